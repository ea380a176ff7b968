#!/usr/bin/env bash
# Runs every test (unit and HTTP tests against the real server on 127.0.0.1) and ends with
# "N passed, N failed". Needs ../shared beside the repository (the contract and the test media).
# Arguments go to `dotnet test`. Tests of Category "Scale" need a large library on a running server
# (scripts/try-app-library.sh runs them) and are left out unless a --filter of your own is given.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
filter=(--filter "Category!=Scale")
for arg in "$@"; do case "$arg" in --filter|--filter=*) filter=() ;; esac; done
log=$(mktemp)
dotnet test ImmichLite.sln -c Release --nologo "${filter[@]}" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=0; failed=0; skipped=0
while read -r line; do
  f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line"); p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  failed=$((failed + ${f:-0})); passed=$((passed + ${p:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed)! +- Failed: ' "$log")
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited with $rc"; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
