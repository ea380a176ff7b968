#!/usr/bin/env bash
# Video transcoding cost: CPU seconds of ffmpeg per second of video, and speed against real time, for corpus clips at
# upstream's default ffmpeg settings (H.264 CRF 23 ultrafast, AAC, 720p short side, policy "required", no hardware
# acceleration), plus two H.264 clips forced with policy "all" (what --transcode-policy all does to every video).
#
# What runs is the server's own code path, in-process from a Release build (benchmarks/TranscodeBench): ffprobe through
# Media/Metadata/Ffprobe, VideoProbe.From, TranscodeDecision.Decide, TranscodeArguments and VideoTranscoder with
# FfmpegProcessRunner and the discovered FfmpegHost — exactly what VideoConversionJob calls, minus the database. The
# encode is the system ffmpeg child process, so JIT vs Native AOT makes no difference to these figures; no HTTP or job
# queue is involved (they add milliseconds, not CPU seconds). CPU = user + system time of the ffmpeg children (reaped,
# from /proc/self/stat), over enough repetitions to fill --min-seconds of wall time per round; median of --rounds rounds.
# The corpus clips are short (0.1–3.6 s), so ffmpeg's start-up (~0.05–0.1 s) weighs on the per-second figures of the
# shortest ones. Writes the section between <!-- bench-transcode --> and <!-- /bench-transcode --> in docs/PERFORMANCE.md.
#
# Usage: scripts/bench-transcode.sh [--rounds N] [--min-seconds S] [--no-doc]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=3
MIN_SECONDS=3
WRITE_DOC=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --min-seconds) MIN_SECONDS=$2; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
MEDIA=$(cd ../shared/testdata/media && pwd)
command -v ffmpeg >/dev/null || { echo "ffmpeg is missing (apt-get install ffmpeg)" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
dotnet build -c Release --nologo -v quiet benchmarks/TranscodeBench/TranscodeBench.csproj >/dev/null
# a private copy of the build output, so a concurrent solution build cannot rewrite it under the run
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cp -r benchmarks/TranscodeBench/bin/Release/net10.0 "$WORK/bin"
out=$(dotnet "$WORK/bin/TranscodeBench.dll" "$MEDIA" "$ROUNDS" --min-seconds "$MIN_SECONDS")
echo "$out"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$WRITE_DOC" = 1 ] || exit 0

table=$(printf '| clip | what happens | length | target | ffmpeg CPU s per video s | speed (video s per wall s) | output |\n|---|---|---|---|---|---|---|\n'
  grep '^clip: ' <<<"$out" | sed -E 's/^clip: ([^|]+) \| /| `\1` | /; s/$/ |/')
section=$(cat <<DOC
<!-- bench-transcode -->
## Video transcoding (scripts/bench-transcode.sh)

Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //; s/ [0-9]*-Core.*//')); load average $load_before before, $load_after after.
$(ffmpeg -version | head -1 | cut -d' ' -f1-3), software encoding (libx264 \`-preset ultrafast -crf 23\`, \`threads 0\` = all cores), $(grep '^host:' <<<"$out" | sed 's/^host: //').
Each clip goes through the server's own code path (benchmarks/TranscodeBench: probe, decision, argument builder, VideoTranscoder
with the process runner — what the VideoConversion job calls); CPU is the user + system time of the ffmpeg processes, median
of $ROUNDS rounds of at least $MIN_SECONDS s each. The clips are short, so ffmpeg's start-up (about 0.05–0.1 s wall, 0.04 s CPU per run
here) weighs on the shortest: the 0.1 s HDR clip above all, whose figure is mostly start-up and the float zscale set-up. A
Raspberry Pi and its V4L2 M2M encoder (\`--transcode-accel v4l2m2m\`) were not measured: there is none on this machine.

$table
<!-- /bench-transcode -->
DOC
)
python3 scripts/lib/perf-section.py docs/PERFORMANCE.md bench-transcode "$section"
echo "wrote docs/PERFORMANCE.md"
