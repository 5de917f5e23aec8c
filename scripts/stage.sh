#!/usr/bin/env bash
# `stage.sh NAME COMMAND…`: run one stage of `make test`, then say how long it took.
set -uo pipefail
name=$1
shift
start=$(date +%s)
"$@"
status=$?
seconds=$(($(date +%s) - start))
printf '\n== %s: %s in %dm %02ds\n\n' "$name" "$([[ $status -eq 0 ]] && echo passed || echo FAILED)" \
  $((seconds / 60)) $((seconds % 60))
exit $status
