#!/usr/bin/env bash
# Fetches sqlite-vec's loadable extension (vec0.so, the vector store behind smart search) into
# .cache/sqlite-vec/<rid>/vec0.so for linux-x64 and linux-arm64. The build copies the one for its runtime next to
# the binary (src/ImmichLite/ImmichLite.csproj) and publish.sh bundles it with the other native libraries.
# sqlite-vec is not on NuGet; its release binaries are on npm, pinned here and checked against their registry
# integrity. MIT/Apache-2.0 (https://github.com/asg017/sqlite-vec). Idempotent (pass --force to fetch again).
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.1.9
declare -A integrity=(
  [linux-x64]="sha512-w3tCH8xK2finW8fQJ/m8uqKodXUZ9KAuAar2UIhz4BHILfpE0WM/MTGCRfa7RjYbrYim5Luk3guvMOGI7T7JQA=="
  [linux-arm64]="sha512-5wXVJ9c9kR4CHm/wVqXb/R+XUHTdpZ4nWbPHlS+gc9qQFVHs92Km4bPnCKX4rtcPMzvNis+SIzMJR1SCEwpuUw=="
)
todo=()
for rid in linux-x64 linux-arm64; do
  if [ -s ".cache/sqlite-vec/$rid/vec0.so" ] && [ "${1:-}" != "--force" ]; then continue; fi
  todo+=("$rid")
done
if [ ${#todo[@]} -eq 0 ]; then echo "sqlite-vec: .cache/sqlite-vec/{linux-x64,linux-arm64}/vec0.so present"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for rid in "${todo[@]}"; do
  spec="sqlite-vec-${rid}@${version}"
  bash scripts/npm-pack.sh "$spec" "${integrity[$rid]}" "$tmp/$rid"
  mkdir -p ".cache/sqlite-vec/$rid"
  cp "$tmp/$rid/package/vec0.so" ".cache/sqlite-vec/$rid/vec0.so.tmp"
  mv ".cache/sqlite-vec/$rid/vec0.so.tmp" ".cache/sqlite-vec/$rid/vec0.so"
  echo "sqlite-vec: $spec -> .cache/sqlite-vec/$rid/vec0.so ($(stat -c %s ".cache/sqlite-vec/$rid/vec0.so") bytes)"
done
