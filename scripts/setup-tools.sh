#!/usr/bin/env bash
# Installs the non-npm tools the tests use, pinned, into the project (.venv).
# Idempotent: a second run only checks the installed versions.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
  echo "setup-tools: Python 3.9+ is needed for Checkov (set PYTHON=/path/to/python3)" >&2
  exit 1
fi

want=$(grep -E '^checkov==' requirements-dev.txt | cut -d= -f3)
if [ -x .venv/bin/checkov ] && [ "$(.venv/bin/checkov --version 2>/dev/null)" = "$want" ]; then
  echo "setup-tools: checkov $want already in .venv"
  exit 0
fi

"$python" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "setup-tools: installed checkov $(.venv/bin/checkov --version) into .venv"
