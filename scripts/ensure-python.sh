#!/usr/bin/env bash
# Fail loudly unless the given Python is 3.11 or newer with venv support.
set -euo pipefail
python=${1:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "reportbot: $python not found; install Python 3.11+ (apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "reportbot: Python 3.11+ is required, found $("$python" --version 2>&1)" >&2
  exit 1
fi
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "reportbot: installing python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
