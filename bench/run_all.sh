#!/usr/bin/env bash
# Run every bench/*.py that has a __main__ block, one after the other; figures go to stdout and
# bench/out/<name>.json. Exit status is non-zero when one of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
status=0
for script in bench/*.py; do
  grep -q '__main__' "$script" || continue
  echo "== $script"
  if ! "$PYTHON" "$script"; then
    echo "!! $script failed" >&2
    status=1
  fi
done
exit $status
