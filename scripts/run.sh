#!/usr/bin/env bash
# The web server and one jobs worker together (`make run`); Ctrl-C stops both.
# Usage: scripts/run.sh PYTHON HOST PORT
set -uo pipefail
PY=${1:-.venv/bin/python}
HOST=${2:-127.0.0.1}
PORT=${3:-8000}

"$PY" manage.py jobs_worker --interval 2 &
WORKER=$!
"$PY" manage.py runserver --noreload "$HOST:$PORT" &
WEB=$!
# On Ctrl-C, on a stop, or when either one ends (a crash), stop the other one too: by their ids,
# so that nothing else in the terminal's process group (make itself) is touched.
trap 'trap - EXIT INT TERM; kill $WORKER $WEB 2>/dev/null; wait' EXIT INT TERM
wait -n $WORKER $WEB
