"""Run a command and print the CPU seconds (user, system) it and every process it started took,
those it left behind too: ``python bench/cpu_with_orphans.py OUT-FILE COMMAND...``.

``/usr/bin/time`` counts only the processes their parents waited for. Chromium's renderers are
children of its zygote, which is not waited for when the browser closes: it is handed to the
machine's first process, and with it the CPU of every renderer it waited for. 50 browser contexts
opened and closed took 49.5 CPU s counted here (and 41-50 s summed from /proc while they ran)
against 23-27 s by /usr/bin/time. This process asks the kernel to be given those orphans
(PR_SET_CHILD_SUBREAPER) and waits for them all.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main() -> int:
    out, command = sys.argv[1], sys.argv[2:]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    child = subprocess.Popen(command)  # noqa: S603  (the command the person running the benchmark gave)
    _, status, waited = os.wait4(child.pid, 0)  # what /usr/bin/time counts
    deadline = time.monotonic() + 60
    while True:  # the orphans handed over, until none is left
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                print("cpu_with_orphans.py: processes still running a minute after the command", file=sys.stderr)
                break
            time.sleep(0.05)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as file:
        file.write(f"{usage.ru_utime:.2f} {usage.ru_stime:.2f}\n")
    every, counted = usage.ru_utime + usage.ru_stime, waited.ru_utime + waited.ru_stime
    print(
        f"cpu_with_orphans.py: {every:.1f} CPU s in all, {counted:.1f} of them counted by /usr/bin/time",
        file=sys.stderr,
    )
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
