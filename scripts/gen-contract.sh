#!/usr/bin/env bash
# Regenerates src/ImmichLite/Contract/Generated/*.g.cs from the Immich OpenAPI spec.
# Usage: scripts/gen-contract.sh [specPath] [outDir]
# Defaults: ../shared/openapi/immich-openapi-specs.json and src/ImmichLite/Contract/Generated (relative to the repo root).
set -euo pipefail
args=()
for a in "$@"; do args+=("$(realpath -m -- "$a")"); done
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec dotnet run --project tools/ContractGen -- "${args[@]}"
