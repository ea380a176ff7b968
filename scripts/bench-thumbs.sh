#!/usr/bin/env bash
# Thumbnail benchmark: ImmichLite's ThumbnailGenerator (benchmarks/ThumbBench, Release) against libvips'
# vipsthumbnail producing the same two files per image (preview JPEG, short side 1440, q80, 4:2:0 chroma (ThumbnailOptions default); thumbnail
# WebP, short side 250, q80; never enlarged), at the same parallelism, on
#   1. the corpus JPEGs (../shared/testdata/media: jpeg/, orientation/, panorama/, livephoto/*.jpg),
#   2. ~20 generated 12-megapixel JPEGs (ffmpeg testsrc2 + noise, 4000x3000),
#   3. the corpus HEIC/HEIF files (information only: both sides use libheif).
# vipsthumbnail gets the best case: the thumbnail is made from its own preview (decode once, like ours).
# Each side runs RUNS times, interleaved (ours, vips, ours, vips, ...); the median wall time is reported.
# Writes the results between <!-- bench-thumbs --> and <!-- /bench-thumbs --> in docs/PERFORMANCE.md.
#
# Usage: scripts/bench-thumbs.sh [--runs N] [--parallel N] [--count N] [--sets "corpus-jpeg 12mp heic"] [--no-doc]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=3
PAR=$(nproc)
COUNT=20
SETS="corpus-jpeg 12mp heic"
WRITE_DOC=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --parallel) PAR=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --sets) SETS=$2; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

MEDIA="$ROOT/../shared/testdata/media"
[ -f "$MEDIA/MANIFEST.md" ] || { echo "test corpus missing: $MEDIA" >&2; exit 1; }

need=()
command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK="${TMPDIR:-/tmp}/immichlite-bench-thumbs"
mkdir -p "$WORK"

echo "== building benchmarks/ThumbBench (Release)"
dotnet build -c Release --nologo -v q benchmarks/ThumbBench/ThumbBench.csproj >/dev/null
# Run a private copy: the solution build (e.g. a concurrent `dotnet test ImmichLite.sln -c Release`) rewrites bin/.
rm -rf "$WORK/bin"; cp -r "$ROOT/benchmarks/ThumbBench/bin/Release/net10.0" "$WORK/bin"
BENCH="$WORK/bin/ThumbBench.dll"

# ---------------------------------------------------------------- inputs
CORPUS="$WORK/in-corpus-jpeg"
rm -rf "$CORPUS"; mkdir -p "$CORPUS"
for f in "$MEDIA"/jpeg/*.jpg "$MEDIA"/orientation/*.jpg "$MEDIA"/panorama/*.jpg "$MEDIA"/livephoto/*.jpg; do
  ln -s "$f" "$CORPUS/$(basename "$f")"
done

GEN="$WORK/in-12mp"
if [ "$(find "$GEN" -name '*.jpg' 2>/dev/null | wc -l)" -ne "$COUNT" ]; then
  echo "== generating $COUNT 12-MP JPEGs (4000x3000, testsrc2 + noise)"
  rm -rf "$GEN"; mkdir -p "$GEN"
  ffmpeg -v error -f lavfi -i "testsrc2=size=4000x3000:rate=1:duration=$COUNT" \
    -vf "noise=alls=14:allf=t+u,format=yuvj420p" -q:v 3 "$GEN/gen12mp-%02d.jpg"
fi

HEIC="$WORK/in-heic"
rm -rf "$HEIC"; mkdir -p "$HEIC"
for f in "$MEDIA"/heic/*; do ln -s "$f" "$HEIC/$(basename "$f")"; done

# ---------------------------------------------------------------- vipsthumbnail job list
# vipsthumbnail sizes are a bounding box; "fit outside" (short side = N) is a box unbounded along the long side.
# Orientation 5-8 swap the displayed sides. '>' = only shrink.
vips_jobs() { # folder -> lines "file<TAB>previewsize<TAB>thumbsize"
  local f w h o
  for f in "$1"/*; do
    w=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f")
    o=$(vipsheader -f orientation "$f" 2>/dev/null || echo 1)
    if [ "${o:-1}" -ge 5 ] 2>/dev/null; then local t=$w; w=$h; h=$t; fi
    if [ "$w" -ge "$h" ]; then printf '%s\t100000x1440>\t100000x250>\n' "$f"
    else printf '%s\t1440x100000>\t250x100000>\n' "$f"; fi
  done
}

cat > "$WORK/vips-batch.sh" <<'EOS'
#!/usr/bin/env bash
# vips-batch.sh JOBS OUTDIR PARALLEL: runs the vipsthumbnail pair for every job line, PARALLEL at a time.
set -euo pipefail
vips_one() { # file previewsize thumbsize outdir
  local name; name=$(basename "${1%.*}")
  vipsthumbnail "$1" -s "$2" -o "$4/%s-preview.jpeg[Q=80,strip,subsample-mode=on]"
  vipsthumbnail "$4/$name-preview.jpeg" -s "$3" -o "$4/$name-thumbnail.webp[Q=80,strip]"
}
export -f vips_one
awk -F'\t' -v out="$2" 'BEGIN { OFS = "\t" } { print $1, $2, $3, out }' "$1" \
  | tr '\t\n' '\0\0' | xargs -0 -n 4 -P "$3" bash -c 'vips_one "$@"' _
EOS

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Each run prints "wall_ms cpu_ms" (CPU = user + system of the whole process tree, which is what a busy Pi pays).
run_ours() { # folder outdir; writes peak RSS (KiB) to $WORK/rss
  rm -rf "$2"; mkdir -p "$2"
  local t0 t1
  t0=$(now_ms)
  if ! /usr/bin/time -f '%U %S %M' -o "$WORK/otime" dotnet "$BENCH" "$1" "$2" --parallel "$PAR" --quiet > "$WORK/ours.log"; then
    echo "ThumbBench failed: $(tail -5 "$WORK/ours.log" "$WORK/otime" | tr '\n' ' ')" >&2; return 1
  fi
  t1=$(now_ms)
  tail -1 "$WORK/otime" | awk '{print $3}' > "$WORK/rss"
  echo "$((t1 - t0)) $(tail -1 "$WORK/otime" | awk '{printf "%d", ($1 + $2) * 1000}')"
}

run_vips() { # jobsfile outdir
  rm -rf "$2"; mkdir -p "$2"
  local t0 t1
  t0=$(now_ms)
  if ! /usr/bin/time -f '%U %S' -o "$WORK/vtime" bash "$WORK/vips-batch.sh" "$1" "$2" "$PAR" 2> "$WORK/vips.err"; then
    echo "vipsthumbnail batch failed: $(grep -v WARNING "$WORK/vips.err" | grep -v '^$' | tail -5 | tr '\n' ' ')" >&2; return 1
  fi
  t1=$(now_ms)
  echo "$((t1 - t0)) $(tail -1 "$WORK/vtime" | awk '{printf "%d", ($1 + $2) * 1000}')"
}

declare -A OURS VIPS OCPU VCPU RSS N FAILS
for set in $SETS; do
  case $set in corpus-jpeg) dir=$CORPUS ;; 12mp) dir=$GEN ;; heic) dir=$HEIC ;; esac
  n=$(find "$dir" -maxdepth 1 \( -type f -o -type l \) | wc -l)
  N[$set]=$n
  vips_jobs "$dir" > "$WORK/jobs-$set.tsv"
  echo "== $set: $n images, parallel $PAR, $RUNS runs each"
  # warm-up (page cache, first-run disk effects), not timed
  run_ours "$dir" "$WORK/out-ours" >/dev/null || exit 1
  run_vips "$WORK/jobs-$set.tsv" "$WORK/out-vips" >/dev/null || exit 1
  ow=(); oc=(); vw=(); vc=(); rss_max=0
  for ((r = 1; r <= RUNS; r++)); do
    res=$(run_ours "$dir" "$WORK/out-ours") || exit 1
    read -r a b <<<"$res"; ow+=("$a"); oc+=("$b")
    rss=$(cat "$WORK/rss"); [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    res=$(run_vips "$WORK/jobs-$set.tsv" "$WORK/out-vips") || exit 1
    read -r c d <<<"$res"; vw+=("$c"); vc+=("$d")
    echo "   run $r: ours ${a} ms wall / ${b} ms CPU, vips ${c} ms wall / ${d} ms CPU (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  OURS[$set]=$(printf '%s\n' "${ow[@]}" | median)
  OCPU[$set]=$(printf '%s\n' "${oc[@]}" | median)
  VIPS[$set]=$(printf '%s\n' "${vw[@]}" | median)
  VCPU[$set]=$(printf '%s\n' "${vc[@]}" | median)
  RSS[$set]=$rss_max
  FAILS[$set]=$(sed -nE 's/.*failed=([0-9]+).*/\1/p' "$WORK/ours.log")
  produced=$(find "$WORK/out-vips" -name '*-preview.jpeg' | wc -l)
  [ "$produced" -eq "$n" ] || echo "   warning: vipsthumbnail produced $produced of $n previews"
done

# ---------------------------------------------------------------- report
cpu=$(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg)
vipsv=$(vipsthumbnail --vips-version 2>/dev/null | head -1 || true)
ffv=$(ffmpeg -version | head -1 | cut -d' ' -f3)
dnv=$(dotnet --version)
section=$(mktemp)
{
  echo "## Thumbnail generation (scripts/bench-thumbs.sh)"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($cpu), load average after the run: $load; .NET $dnv (JIT, Release), $vipsv, ffmpeg $ffv."
  echo "Per image: preview JPEG (short side 1440, q80, 4:2:0) + thumbnail WebP (short side 250, q80), never enlarged; ours also computes the ThumbHash."
  echo "Both sides process $PAR images at a time; vipsthumbnail makes the thumbnail from its own preview (decode once, its best case) and runs with libvips' default threading."
  echo "Wall time and CPU time (user + system of the whole process tree) of the whole batch, median of $RUNS interleaved runs after one warm-up, divided by the image count; ours includes .NET start-up and JIT."
  echo "CPU time is the throughput figure that matters on a Pi busy with a thumbnail backlog; wall time on this shared machine mostly measures the other load."
  echo
  echo "| set | images | ours wall ms/image | vips wall ms/image | wall speed-up | ours CPU ms/image | vips CPU ms/image | CPU speed-up | ours peak RSS | ours failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for set in $SETS; do
    n=${N[$set]}
    awk -v s="$set" -v n="$n" -v o="${OURS[$set]}" -v v="${VIPS[$set]}" -v oc="${OCPU[$set]}" -v vc="${VCPU[$set]}" -v rss="${RSS[$set]}" -v f="${FAILS[$set]}" \
      'BEGIN { printf "| %s | %d | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx | %.0f MiB | %s |\n", s, n, o/n, v/n, v/o, oc/n, vc/n, vc/oc, rss/1024, f }'
  done
  echo
  echo "Sets: corpus-jpeg = every JPEG under jpeg/, orientation/, panorama/ and livephoto/ (mostly small: 100x68 to 4032x3024);"
  echo "12mp = ffmpeg testsrc2 + noise at 4000x3000 (q3); heic = heic/* (information only: both sides decode with libheif, which dominates)."
  echo "Timings on a shared build machine are noisy; the ratio of interleaved runs is the meaningful figure."
} > "$section"

if [ "$WRITE_DOC" -ne 1 ]; then cat "$section"; rm -f "$section"; exit 0; fi
doc=docs/PERFORMANCE.md
mkdir -p docs
[ -f "$doc" ] || printf '# Performance\n' > "$doc"
python3 - "$doc" "$section" <<'EOF'
import sys
doc, sec = sys.argv[1], sys.argv[2]
text = open(doc, encoding="utf-8").read()
body = open(sec, encoding="utf-8").read().rstrip("\n")
start, end = "<!-- bench-thumbs -->", "<!-- /bench-thumbs -->"
block = f"{start}\n{body}\n{end}"
if start in text and end in text:
    a = text.index(start); b = text.index(end) + len(end)
    text = text[:a] + block + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w", encoding="utf-8").write(text)
EOF
rm -f "$section"
echo "== written to $doc"
sed -n '/<!-- bench-thumbs -->/,/<!-- \/bench-thumbs -->/p' "$doc"
