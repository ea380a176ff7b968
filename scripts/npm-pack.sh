#!/usr/bin/env bash
# npm-pack.sh <name@version> <sha512 integrity> <folder>: downloads one npm package with `npm pack` (installing
# nodejs/npm from apt when missing), checks it against its registry integrity and unpacks it into <folder>/package.
set -euo pipefail
spec=$1; integrity=$2; dest=$3
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
mkdir -p "$dest"
tgz=$(cd "$dest" && npm pack --silent "$spec" | tail -1)
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$dest/$tgz")"
if [ "$actual" != "$integrity" ]; then echo "$spec: integrity mismatch ($actual)" >&2; exit 1; fi
tar -xzf "$dest/$tgz" -C "$dest"
rm -f "$dest/$tgz"
