#!/usr/bin/env bash
# Installs the pinned Azurite from the committed lock file if it is not installed yet, and prints the path of
# azurite-table. Used by ./run.sh, ./test.sh and the benchmark; the test fixture does the same in C#.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/node_modules/.bin/azurite-table"
if [ ! -x "$bin" ]; then
  echo "Installing Azurite from tools/azurite/package-lock.json ..." >&2
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi
echo "$bin"
