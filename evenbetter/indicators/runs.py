"""Which process a run belongs to, and telling a run still going from one whose process died.

Every run (a file's import or a computed indicator's refresh) keeps the machine and process
id that ran it (the host, its boot and its process namespace, so that a reboot or another
container is another machine). ``mark_interrupted_runs`` marks "interrupted" a run whose
process is gone: on this machine when that process id no longer runs, and for a run from
another machine (where the process cannot be looked at) once it has been running for longer
than ``STALE_AFTER``. Nothing of such a run was written: its transaction never committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
from pathlib import Path

from django.utils import timezone

from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.problems import Problem

# A run from another host still "running" after this long is taken for dead: no import of
# a real file takes a day. (Runs on this host are looked at directly, by process id.)
STALE_AFTER = dt.timedelta(hours=24)
INTERRUPTED = "the import stopped part-way ({why}); nothing was written — run it again"


def _machine() -> str:
    """Where process ids mean something: the host, since its last boot, in this container's
    process namespace (where there is /proc to say so). A run from elsewhere cannot be looked at."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):
        parts.append("boot " + Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    with contextlib.suppress(OSError):  # "pid:[4026531836]"
        parts.append("pidns " + os.readlink("/proc/self/ns/pid").strip("pid:[]"))
    return " ".join(parts)


def this_process() -> str:
    """The machine and process id an import runs in, as kept in its run."""
    return f"{_machine()}:{os.getpid()}"


def process_is_gone(process: str) -> bool | None:
    """Whether the process ``machine:pid`` has ended: None when it cannot be told (elsewhere)."""
    machine, _, pid_text = process.rpartition(":")
    if machine != _machine() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such process id at all)
        return True
    except PermissionError:
        return False  # it runs, as another user
    try:  # a killed process that its parent has not yet reaped is a zombie: gone too
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")


def mark_interrupted_runs() -> int:
    """Mark "interrupted" every run left "running" by a process that is gone; how many."""
    now = timezone.now()
    marked = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING).only(
        "pk", "file_name", "process", "started_at"
    ):
        gone = process_is_gone(run.process)
        if gone is None:
            gone = now - run.started_at > STALE_AFTER
            why = f"it was still running after {STALE_AFTER.total_seconds() / 3600:g} hours, on another machine"
        else:
            why = "its process ended before it finished: killed, out of memory or the machine stopped"
        if gone:
            problem = Problem(run.file_name, None, None, INTERRUPTED.format(why=why))
            marked += ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.INTERRUPTED, problems=[problem.as_dict()]
            )
    if marked:
        import_records_changed()
    return marked
