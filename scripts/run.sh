#!/usr/bin/env bash
# One command from a fresh Debian 12 / Raspberry Pi OS checkout to a running server:
# installs prerequisites, builds the single-file Native-AOT binary (first time, or after a change),
# then runs it with data in ./data on port 2283. Extra arguments go to the server (--port, --admin-email …).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64|arm64) rid=linux-arm64 ;; *) echo "unsupported CPU $(uname -m)"; exit 1 ;; esac
bin="dist/$rid/immichlite"
if [ ! -x "$bin" ] || [ -n "$(find src -newer "$bin" -type f -print -quit)" ]; then
  echo "Building $bin (Native AOT; a minute or two the first time)…"
  bash publish.sh "$rid"
fi
export PATH="$HOME/.dotnet:$PATH"
exec "$bin" --data ./data "$@"
