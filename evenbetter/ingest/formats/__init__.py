"""Every source format the platform reads. Each module here registers its own class;
they are all imported when the app starts, so a new format is a new module."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
