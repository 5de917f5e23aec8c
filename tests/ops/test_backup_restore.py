"""`manage.py backup` and `manage.py restore`: a round trip gives back every row, and a
file that is not a whole backup of this kind of database is refused, changing nothing.

The tests run with real transactions (pg_dump is a separate connection and must see the
rows), on whichever database the suite runs on: SQLite (in memory) or PostgreSQL.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.ops import backup as ops_backup
from evenbetter.ops.backup import database_fingerprint, fingerprint_differences, manifest_path
from evenbetter.schools.models import Partnership, School
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

CATALOGUE = (
    b"code,name,unit,direction,domain,comparison,minimum,maximum\n"
    b"score_a,Score A,score,higher,outcomes,score,0,100\n"
    b"rate_b,Rate B,%,higher,attendance,percent,0,100\n"
)
URNS = [115850, 115851, 115864, 115865, 115869, 115900, 116275, 116294, 125116, 124935]


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def populated(
    school_leader_a: User, governor: User, partnership_lead: User, partner_agency: User, system_lead: User
) -> None:
    """The personas, their schools and partnership, and observations with every kind of value."""
    assert import_file(content=CATALOGUE, file_name="c.csv", source_format="indicator_catalogue").status == "succeeded"
    rows = [
        f"{urn},{year}/{(year + 1) % 100:02d},{code},{value}"
        for urn in URNS
        for year in (2017, 2018)
        for code, value in (("score_a", (urn + year) % 97 + 0.25), ("rate_b", "supp" if urn % 3 else 12.5))
    ]
    content = ("school_id,period,indicator,value\n" + "\n".join(rows) + "\n").encode()
    run = import_file(content=content, file_name="l.csv", source_format="long")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems


@pytest.fixture
def backup_file(populated: None, tmp_path: Path) -> Path:
    path = tmp_path / "evenbetter.backup"
    _command("backup", str(path))
    return path


def _change_everything() -> None:
    """After the backup: a school deleted, a user changed and one added, values edited."""
    School.objects.filter(urn=115851).delete()
    User.objects.filter(username="governor").update(email="someone-else@example.org")
    make_user("newcomer")
    Observation.objects.filter(indicator__code="score_a").update(value=F("value") + 1)


def test_a_round_trip_gives_back_every_table_as_it_was(populated: None, tmp_path: Path) -> None:
    before = database_fingerprint()
    assert before["schools_school"]["rows"] == 13
    assert before["indicators_observation"]["rows"] == 40
    assert before["accounts_membership"]["rows"] == 5

    path = tmp_path / "evenbetter.backup"
    out = _command("backup", str(path))
    assert f"to {path}" in out and "tables" in out
    manifest = json.loads(manifest_path(path).read_text())
    assert manifest["tables"] == before, "the manifest describes the database as it was backed up"
    assert {"accounts", "schools", "indicators", "auth"} <= manifest["migrations"].keys()
    assert manifest["format"] == {"sqlite": "sqlite3", "postgresql": "postgresql-custom"}[connection.vendor]

    _change_everything()
    changed = database_fingerprint()
    assert {d.split(":")[0] for d in fingerprint_differences(before, changed)} >= {
        "schools_school",
        "accounts_user",
        "indicators_observation",
        "schools_partnershipmembership",
    }

    out = _command("restore", str(path), "--yes")
    assert "match the manifest" in out
    assert database_fingerprint() == before
    assert School.objects.filter(urn=115851).exists()
    assert User.objects.get(username="governor").email == "governor@example.org"
    assert not User.objects.filter(username="newcomer").exists()
    assert Partnership.objects.get(slug="alton-cluster").schools.count() == 2
    # The database goes on working after the restore: new rows get new keys.
    assert make_user("after-restore").pk > max(
        User.objects.exclude(username="after-restore").values_list("pk", flat=True)
    )


def test_the_fingerprint_notices_one_changed_value_and_only_in_its_table(populated: None) -> None:
    before = database_fingerprint()
    observation = Observation.objects.filter(value__isnull=False).order_by("pk").last()
    assert observation is not None and observation.value is not None
    Observation.objects.filter(pk=observation.pk).update(value=observation.value + 1e-9)
    after = database_fingerprint()
    assert fingerprint_differences(before, after) == [
        "indicators_observation: 40 rows as in the backup, but their contents differ"
    ]
    Observation.objects.filter(pk=observation.pk).update(value=observation.value)
    assert database_fingerprint() == before


def _refused(path: Path, *options: str) -> str:
    with pytest.raises(CommandError) as refused:
        _command("restore", str(path), *options)
    return str(refused.value)


@pytest.fixture
def changed_since_backup(backup_file: Path) -> dict[str, Any]:
    """The backup is made, then the data changes: a restore that went ahead would show."""
    _change_everything()
    return database_fingerprint()


def test_restore_without_yes_changes_nothing(backup_file: Path, changed_since_backup: dict[str, Any]) -> None:
    message = _refused(backup_file)
    assert "--yes" in message and "Nothing was changed" in message
    assert database_fingerprint() == changed_since_backup


def test_a_missing_file_is_refused(tmp_path: Path, changed_since_backup: dict[str, Any]) -> None:
    missing = tmp_path / "no-such.backup"
    message = _refused(missing, "--yes")
    assert message == f"{missing}: no such file"
    assert database_fingerprint() == changed_since_backup


def test_a_file_without_its_manifest_is_refused(backup_file: Path, changed_since_backup: dict[str, Any]) -> None:
    manifest_path(backup_file).unlink()
    message = _refused(backup_file, "--yes")
    assert str(manifest_path(backup_file)) in message and "manifest of this backup is missing" in message
    assert database_fingerprint() == changed_since_backup


def test_a_random_file_is_refused(tmp_path: Path, changed_since_backup: dict[str, Any]) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 64)
    assert "manifest of this backup is missing" in _refused(garbage, "--yes")
    # Even beside a manifest (copied from a real backup) it is refused for what it is.
    manifest_path(garbage).write_text(manifest_path(tmp_path / "evenbetter.backup").read_text())
    message = _refused(garbage, "--yes")
    assert f"{garbage} is not a" in message and "first bytes are wrong" in message
    assert database_fingerprint() == changed_since_backup


def test_a_garbled_manifest_is_refused(backup_file: Path, changed_since_backup: dict[str, Any]) -> None:
    manifest_path(backup_file).write_text("{not json")
    assert "not a backup manifest" in _refused(backup_file, "--yes")
    manifest_path(backup_file).write_text('{"hello": "world"}')
    assert "not a manifest written by manage.py backup" in _refused(backup_file, "--yes")
    assert database_fingerprint() == changed_since_backup


def test_a_backup_changed_after_it_was_made_is_refused(backup_file: Path, changed_since_backup: dict[str, Any]) -> None:
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup_file.write_bytes(bytes(data))
    message = _refused(backup_file, "--yes")
    assert "does not match its manifest" in message
    backup_file.write_bytes(bytes(data[: len(data) // 3]))
    assert "does not match its manifest" in _refused(backup_file, "--yes")
    assert database_fingerprint() == changed_since_backup


def test_a_backup_of_the_other_kind_of_database_is_refused(
    backup_file: Path, changed_since_backup: dict[str, Any], tmp_path: Path
) -> None:
    """A SQLite backup given to PostgreSQL, or a pg_dump given to SQLite, with a proper manifest."""
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(4000))
        other_format, other_name, here = "postgresql-custom", "PostgreSQL", "SQLite"
    else:
        made = sqlite3.connect(other)
        made.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
        made.commit()
        made.close()
        other_format, other_name, here = "sqlite3", "SQLite", "PostgreSQL"
    manifest = json.loads(manifest_path(backup_file).read_text())
    manifest.update(format=other_format, file=other.name, sha256=ops_backup._sha256_of(other))
    manifest_path(other).write_text(json.dumps(manifest))
    message = _refused(other, "--yes")
    assert message.startswith(f"{other} is a {other_name}") and f"runs on {here}" in message
    assert database_fingerprint() == changed_since_backup


def test_a_restore_that_does_not_reproduce_the_manifest_is_reported(backup_file: Path) -> None:
    manifest = json.loads(manifest_path(backup_file).read_text())
    manifest["tables"]["schools_school"]["rows"] = 14
    manifest["tables"]["accounts_user"]["sha256"] = "0" * 64
    manifest_path(backup_file).write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as mismatch:
        _command("restore", str(backup_file), "--yes")
    message = str(mismatch.value)
    assert "does not match the backup's manifest" in message
    assert "schools_school: 13 rows, the backup had 14" in message
    assert "accounts_user: 5 rows as in the backup, but their contents differ" in message
    assert "indicators_observation" not in message


def test_backup_does_not_overwrite_a_file_unless_forced(populated: None, tmp_path: Path) -> None:
    path = tmp_path / "kept.backup"
    path.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        _command("backup", str(path))
    assert path.read_bytes() == b"an earlier backup"
    assert not manifest_path(path).exists()
    _command("backup", str(path), "--force")
    assert json.loads(manifest_path(path).read_text())["sha256"] == ops_backup._sha256_of(path)
    assert path.stat().st_mode & 0o077 == 0, "a backup holds personal data: only its owner may read it"
    assert not list(tmp_path.glob(".*partial")), "no half-written file is left behind"


def test_the_postgresql_password_goes_in_the_environment_not_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(command: list[str], **kwargs: Any) -> Any:
        seen.update(command=command, env=kwargs["env"], shell=kwargs.get("shell", False))
        return ops_backup.subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(ops_backup.subprocess, "run", fake_run)
    monkeypatch.setattr(ops_backup, "find_pg_binary", lambda name: f"/opt/pg/bin/{name}")
    for key, value in (("PASSWORD", "s3cret-pw"), ("HOST", "db.example.org"), ("PORT", "6543"), ("USER", "eb")):
        monkeypatch.setitem(connection.settings_dict, key, value)
    ops_backup._run_pg("pg_dump", ["--format=custom", *ops_backup._pg_connection_arguments()])
    assert seen["command"][0] == "/opt/pg/bin/pg_dump" and not seen["shell"]
    assert not any("s3cret-pw" in argument for argument in seen["command"])
    assert {"--host=db.example.org", "--port=6543", "--username=eb", "--no-password"} <= set(seen["command"])
    assert seen["env"]["PGPASSWORD"] == "s3cret-pw"
