#!/usr/bin/env bash
# Ingest memory: 1,000 photos uploaded, then the pipeline (metadata → thumbnails) drained with the default
# concurrency. Reports the server's peak RSS (VmHWM; target ≤ 200 MB) and the time to drain, into docs/PERFORMANCE.md.
# The photos are the corpus JPEGs (and 4 generated 12-megapixel ones), each made unique by bytes after its end marker.
# Usage: scripts/bench-ingest.sh [binary] [count]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-dist/linux-x64/immichlite}
count=${2:-1000}
[ -x "$bin" ] || bash publish.sh linux-x64 >/dev/null
media=$(cd ../shared/testdata/media && pwd)
work=$(mktemp -d /var/tmp/immichlite-bench-ingest.XXXXXX)
trap 'kill $pid 2>/dev/null || true; cp "$work/server.log" /tmp/bench-ingest-server.log 2>/dev/null; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/src" "$work/in"
cp "$media"/jpeg/*.jpg "$media"/orientation/*.jpg "$media"/panorama/*.jpg "$work/src/"
for i in 1 2 3 4; do ffmpeg -loglevel error -f lavfi -i "testsrc2=size=4000x3000:rate=1,noise=alls=30:allf=t" -frames:v 1 -q:v 3 "$work/src/12mp-$i.jpg"; done
srcs=("$work"/src/*.jpg)
for i in $(seq 1 "$count"); do
  s=${srcs[$(( (i - 1) % ${#srcs[@]} ))]}
  { cat "$s"; printf 'immichlite-bench-%08d' "$i"; } > "$work/in/p$i.jpg"
done

source scripts/lib/bench-server.sh
start_server_after_import
t0=$(date +%s.%N)
for f in "$work"/in/*.jpg; do
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/assets" -H "x-immich-user-token: $token" \
    -F deviceAssetId="$(basename "$f")" -F deviceId=bench -F fileCreatedAt=2024-01-01T00:00:00Z -F fileModifiedAt=2024-01-01T00:00:00Z -F "assetData=@$f"
done
t1=$(date +%s.%N)
while :; do
  busy=$(curl -fs "http://127.0.0.1:$port/api/jobs" -H "x-immich-user-token: $token" | python3 -c '
import sys, json
d = json.load(sys.stdin)
print(sum(d[q]["jobCounts"][k] for q in ("metadataExtraction", "thumbnailGeneration") for k in ("active", "waiting", "delayed")))')
  [ "$busy" = 0 ] && break
  sleep 0.5
done
t2=$(date +%s.%N)
failed=$(curl -fs "http://127.0.0.1:$port/api/jobs" -H "x-immich-user-token: $token" | python3 -c 'import sys,json; d=json.load(sys.stdin); print(d["thumbnailGeneration"]["jobCounts"]["failed"] + d["metadataExtraction"]["jobCounts"]["failed"])')
hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$pid/status); rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status)
upload=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}"); drain=$(awk "BEGIN{printf \"%.1f\", $t2 - $t0}")
report=$(printf '| photos | upload (s) | all thumbnails done (s) | failed jobs | peak RSS (target ≤ 200 MB) | RSS after |\n|---|---|---|---|---|---|\n| %d | %s | %s | %s | %s MB | %s MB |\n' "$count" "$upload" "$drain" "$failed" "$hwm" "$rss")
echo "$report"
doc=docs/PERFORMANCE.md
section=$(printf '<!-- bench-ingest -->\n## Ingest memory (scripts/bench-ingest.sh)\n\n%s, %d cores, load %s. %d photos (the corpus JPEGs and four 12-MP JPEGs, each made unique) uploaded one after another, then the metadata and thumbnail queues drained at their default concurrency (%s cores). Published AOT binary, fresh data folder, restarted after the first start'"'"'s one-time geodata import (which peaked at %s MB).\n\n%s\n<!-- /bench-ingest -->' "$(date -u +%Y-%m-%d)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$count" "$(nproc)" "$import_hwm" "$report")
python3 scripts/lib/perf-section.py "$doc" bench-ingest "$section"
