#!/usr/bin/env bash
# Upload throughput and memory: the media corpus plus one generated 1 GiB file, uploaded by 4 concurrent
# clients (curl, multipart, as the app sends it), against the floor of `sha1sum` + `cp` of the same bytes
# on the same disk with the same parallelism. Reports the ratio and the server's peak RSS (VmHWM), and
# writes them into docs/PERFORMANCE.md. Usage: scripts/bench-upload.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=${1:-dist/linux-x64/immichlite}
if [ ! -x "$bin" ]; then bash publish.sh linux-x64 >/dev/null; fi
media=$(cd ../shared/testdata/media && pwd)
work=$(mktemp -d /var/tmp/immichlite-bench-upload.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

mkdir -p "$work/in" "$work/floor"
find "$media" -type f ! -name '*.md' -size +0 | while read -r f; do cp "$f" "$work/in/$(basename "$f")"; done
head -c 1073741824 /dev/urandom > "$work/in/big-1GiB.mp4"
files=$(find "$work/in" -type f | wc -l); bytes=$(du -cb "$work/in" | tail -1 | cut -f1)

source scripts/lib/bench-server.sh
start_server_after_import
# Measure the upload path alone: hold the media pipeline (its CPU and memory are measured by scripts/bench-ingest.sh).
for q in metadataExtraction thumbnailGeneration; do
  curl -fs -o /dev/null -X PUT "http://127.0.0.1:$port/api/jobs/$q" -H "x-immich-user-token: $token" -H 'content-type: application/json' -d '{"command":"pause"}'
done
sleep 2
rss_idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

upload() {
  curl -fs -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/api/assets" -H "x-immich-user-token: $token" \
    -F deviceAssetId="$(basename "$1")" -F deviceId=bench -F fileCreatedAt=2024-01-01T00:00:00Z -F fileModifiedAt=2024-01-01T00:00:00Z \
    -F "assetData=@$1"
}
export -f upload; export port token
t0=$(date +%s.%N)
find "$work/in" -type f -print0 | xargs -0 -P4 -I{} bash -c 'upload "$1"' _ {} > "$work/codes"
t1=$(date +%s.%N)
ours=$(awk "BEGIN{print $t1 - $t0}")
created=$(grep -c '^201$' "$work/codes" || true)
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
rss_after=$(awk '/VmRSS/{print $2}' /proc/$pid/status)

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
floor_one() { sha1sum "$1" >/dev/null && cp "$1" "$2/$(basename "$1")" && sync -f "$2/$(basename "$1")"; }
export -f floor_one
t0=$(date +%s.%N)
find "$work/in" -type f -print0 | xargs -0 -P4 -I{} bash -c 'floor_one "$1" "$2"' _ {} "$work/floor"
t1=$(date +%s.%N)
floor=$(awk "BEGIN{print $t1 - $t0}")
ratio=$(awk "BEGIN{print $ours / $floor}")
mbs=$(awk "BEGIN{print $bytes / 1048576 / $ours}")

report=$(printf '| files | bytes | created | ours (s) | sha1sum+cp floor (s) | ratio (target ≤ 1.3) | MiB/s | RSS idle | RSS peak (target ≤ 150 MB) | RSS after |\n|---|---|---|---|---|---|---|---|---|---|\n| %d | %d | %d | %.2f | %.2f | %.2f× | %.0f | %d MB | %d MB | %d MB |\n' \
  "$files" "$bytes" "$created" "$ours" "$floor" "$ratio" "$mbs" $((rss_idle/1024)) $((rss_peak/1024)) $((rss_after/1024)))
echo "$report"
doc=docs/PERFORMANCE.md
section=$(printf '<!-- bench-upload -->\n## Upload throughput (scripts/bench-upload.sh)\n\n%s, %s. Corpus (%d files) + one 1 GiB random file, 4 concurrent curl clients, published AOT binary, fresh data folder, media pipeline paused during the run (measured separately). RSS peak is VmHWM at the end of a normal start (the first start'"'"'s one-time geodata import peaked at %d MB, before the benchmark'"'"'s restart). Floor: `sha1sum` + `cp` + `sync` of the same files with the same parallelism, page cache dropped before each run.\n\n%s\n<!-- /bench-upload -->' "$(date -u +%Y-%m-%d)" "$(nproc) cores, $(uname -m)" "$files" "$import_hwm" "$report")
python3 scripts/lib/perf-section.py "$doc" bench-upload "$section"
