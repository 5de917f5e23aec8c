"""Every source format the platform reads; each module registers its class."""

from evenbetter.ingest.formats import gias  # noqa: F401
