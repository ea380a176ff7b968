#!/usr/bin/env bash
# Tools the end-to-end tests drive, installed from the npm registry into .cache/test-tools (idempotent):
# the official Immich CLI (@immich/cli 3.2.2) and a Node.js 22 it accepts (the node-linux-* npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/test-tools
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "unsupported arch $(uname -m)"; exit 1 ;; esac
if [ ! -x "$dest/node/node_modules/node-linux-$arch/bin/node" ]; then
  mkdir -p "$dest/node"
  (cd "$dest/node" && npm install --silent --no-audit --no-fund --no-save "node-linux-$arch@22.23.3" >/dev/null)
fi
if [ ! -f "$dest/cli/node_modules/@immich/cli/dist/index.js" ]; then
  mkdir -p "$dest/cli"
  (cd "$dest/cli" && npm install --silent --no-audit --no-fund --no-save --ignore-scripts "@immich/cli@3.2.2" >/dev/null)
fi
ln -sfn "node/node_modules/node-linux-$arch/bin/node" "$dest/node22"
echo "test tools: $("$dest/node22" --version), @immich/cli $(sed -nE 's/.*"version": *"([^"]+)".*/\1/p' "$dest/cli/node_modules/@immich/cli/package.json" | head -1)"
