#!/usr/bin/env bash
# Tries the v1.134 mobile app's sequence against a large library, as a new user would meet it, and reports the figures.
#
#   scripts/try-app-library.sh
#
# Environment (all optional):
#   BIN=path        server binary (default dist/<rid>/immichlite; it is not built here: run publish.sh first)
#   N=100000        seeded assets of the admin       PARTNER=3000   seeded assets of a partner sharing with the admin
#   KEEP=1          keep the temporary folder (data, server log, CLI output, the test's JSON) and print where it is
#   DOC=docs/PERFORMANCE.md   where the report goes (NO_DOC=1: print it only)
#
# What it does:
#   1. builds the test project (dotnet build, Release; before the server runs, so the build does not compete with it);
#   2. seeds a new temporary data folder: scripts/seed --bin "$BIN" --partner $PARTNER <tmp>/data $N
#      (admin@example.com / admin, partner@example.com / partner);
#   3. starts the server on 127.0.0.1 and a free port and waits until it is idle (under 20 ms of CPU in a second);
#   4. uploads the WHOLE media corpus (../shared/testdata/media) as the admin with the official Immich CLI, the way a
#      new user would: an API key from POST /api/api-keys, `immich login <url>/api <key>`, `immich upload --recursive`
#      (the CLI and Node 22 come from scripts/install-test-tools.sh, into .cache/test-tools);
#   5. waits until every job queue is empty (GET /api/jobs);
#   6. runs the Scale test tests/ImmichLite.Tests/Library/LargeLibraryTests.cs against the running server (the
#      IMMICHLITE_LIBRARY_* variables; see the test's summary): the app's discovery, login, user lists, delta sync
#      (must need a full sync), full sync in pages of 10,000 for the admin and the partner, albums, every response
#      checked against the spec and the counts against /assets/statistics and the timeline; then a second session
#      uploads, favourites, trashes and deletes, and each change must reach the phone's socket within 1 s, and a delta
#      sync must return exactly those changes. The test writes its timings as JSON, including the server's peak RSS
#      (VmHWM, reset just before) over the full sync;
#   7. writes the figures into $DOC between <!-- try-app-library --> and <!-- /try-app-library -->.
# Exits with the test's status. The server is stopped and the folder removed on exit (KEEP=1 keeps the folder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
case "$(uname -m)" in x86_64) RID=linux-x64 ;; aarch64|arm64) RID=linux-arm64 ;; *) echo "try-app-library: unsupported machine" >&2; exit 1 ;; esac
BIN="${BIN:-dist/$RID/immichlite}"
N="${N:-100000}"
PARTNER="${PARTNER:-3000}"
KEEP="${KEEP:-0}"
DOC="${DOC:-docs/PERFORMANCE.md}"
MEDIA="$ROOT/../shared/testdata/media"
ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=admin PARTNER_EMAIL=partner@example.com PARTNER_PASSWORD=partner

log() { echo "try-app-library: $*" >&2; }
die() { log "$*"; exit 1; }
[ -x "$BIN" ] || die "$BIN missing: run publish.sh $RID first, or pass BIN=path"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
[ -d "$MEDIA" ] || die "$MEDIA missing (../shared must sit beside the repository)"
[ "$PARTNER" -gt 0 ] || die "PARTNER must be at least 1: the app's sequence syncs a partner too"
for tool in python3 curl dotnet; do command -v "$tool" >/dev/null || die "$tool missing (scripts/install-prereqs.sh)"; done
bash scripts/install-test-tools.sh >&2
NODE=.cache/test-tools/node22
CLI_JS=.cache/test-tools/cli/node_modules/@immich/cli/dist/index.js

work=$(mktemp -d "${TMPDIR:-/tmp}/immichlite-try-app-library.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  if [ "$KEEP" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
# jget KEY… < json: prints the value at that path (numbers index arrays)
jget() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_mib() { awk -v k="$2:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
started=$(date -u '+%Y-%m-%d %H:%M')

# ---------------------------------------------------------------- 1. the test, built before anything runs
log "building the tests"
dotnet build tests/ImmichLite.Tests -c Release --nologo -v quiet >"$work/build.txt" 2>&1 || { cat "$work/build.txt" >&2; die "build failed"; }

# ---------------------------------------------------------------- 2. seed
log "seeding $N + $PARTNER assets into $work/data"
t=$(now)
scripts/seed --bin "$BIN" --partner "$PARTNER" "$work/data" "$N" | tee "$work/seed.txt" >&2
seed_s=$(since "$t")

# ---------------------------------------------------------------- 3. the server
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
t=$(now)
"$BIN" --host 127.0.0.1 --port "$port" --data "$work/data" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited"; }
  curl -fs "$base/api/server/ping" >/dev/null && break
  sleep 0.1
done
curl -fs "$base/api/server/ping" >/dev/null || die "no pong within 60 s"
ping_s=$(since "$t")
hz=$(getconf CLK_TCK)
for _ in $(seq 300); do                       # idle: under 20 ms of CPU in a second
  c0=$(cpu_ticks "$pid"); sleep 1; c1=$(cpu_ticks "$pid")
  [ $(( (c1 - c0) * 1000 / hz )) -le 20 ] && break
done
idle_s=$(since "$t")
idle_rss=$(status_mib "$pid" VmRSS)
log "server $pid on $base: pong after ${ping_s} s, idle after ${idle_s} s, RSS $idle_rss MiB"

login() { curl -fsS -X POST "$base/api/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" | jget accessToken; }
token=$(login "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
api() { local path=$1; shift; curl -fsS -H "x-immich-user-token: $token" -H 'content-type: application/json' "$@" "$base/api$path"; }

# ---------------------------------------------------------------- 4. the corpus, by the official CLI
key=$(api /api-keys -X POST -d '{"name":"try-app-library","permissions":["all"]}' | jget secret)
total_before=$(api /assets/statistics | jget total)
cli() { IMMICH_CONFIG_DIR="$work/cli" "$NODE" "$CLI_JS" "$@"; }
cli login "$base/api" "$key" >"$work/cli-login.txt" 2>&1 || { cat "$work/cli-login.txt" >&2; die "immich login failed"; }
files=$(find "$MEDIA" -type f ! -name '*.md' | wc -l)
log "uploading $files files of $MEDIA with @immich/cli"
t=$(now)
cli_rc=0
cli upload --recursive "$MEDIA" >"$work/cli-upload.txt" 2>&1 || cli_rc=$?
upload_s=$(since "$t")
sed 's/\r/\n/g' "$work/cli-upload.txt" | grep -v '^\s*$' | tail -n 15 >&2
c0=$(cpu_ticks "$pid")

# ---------------------------------------------------------------- 5. jobs drained
t=$(now)
busy=1
for _ in $(seq 1800); do
  busy=$(api /jobs | python3 -c 'import json, sys
print(sum(q["jobCounts"][k] for q in json.load(sys.stdin).values() for k in ("active", "waiting", "delayed", "paused")))')
  [ "$busy" = 0 ] && break
  sleep 1
done
[ "$busy" = 0 ] || die "job queues still busy after 30 min"
jobs_s=$(since "$t")
ingest_cpu_s=$(python3 -c "print(f'{($(cpu_ticks "$pid") - $c0) / $hz:.1f}')")
total_after=$(api /assets/statistics | jget total)
uploaded=$((total_after - total_before))
ingest_hwm=$(status_mib "$pid" VmHWM)
log "corpus: $uploaded new assets on the timeline (CLI exit $cli_rc) in ${upload_s} s, jobs done ${jobs_s} s later; peak RSS so far $ingest_hwm MiB"

# ---------------------------------------------------------------- 6. the app's sequence (the Scale test)
log "running the Scale test against $base"
t=$(now)
test_rc=0
IMMICHLITE_LIBRARY_URL="$base" IMMICHLITE_LIBRARY_EMAIL="$ADMIN_EMAIL" IMMICHLITE_LIBRARY_PASSWORD="$ADMIN_PASSWORD" \
IMMICHLITE_LIBRARY_PARTNER_EMAIL="$PARTNER_EMAIL" IMMICHLITE_LIBRARY_PARTNER_PASSWORD="$PARTNER_PASSWORD" \
IMMICHLITE_LIBRARY_MIN_ASSETS=$((N + uploaded)) IMMICHLITE_LIBRARY_PID="$pid" IMMICHLITE_LIBRARY_REPORT="$work/test.json" \
  dotnet test tests/ImmichLite.Tests -c Release --nologo --no-build --filter "Category=Scale" >"$work/test.txt" 2>&1 || test_rc=$?
test_s=$(since "$t")
grep -E '^\s*(Passed|Failed)[ !]|Error Message|^\s{3}\S' "$work/test.txt" | head -n 40 >&2 || true
end_rss=$(status_mib "$pid" VmRSS)
[ -f "$work/test.json" ] || { cat "$work/test.txt" >&2; log "the test wrote no report"; [ "$test_rc" -ne 0 ] || test_rc=1; echo '{}' >"$work/test.json"; }
grep -qE 'Passed: +1\b' "$work/test.txt" || { [ "$test_rc" -ne 0 ] || { log "the Scale test did not run"; test_rc=1; }; }
load_after=$(load)

# ---------------------------------------------------------------- 7. the report
export ROOT BIN N PARTNER RID MEDIA work started load_before load_after seed_s ping_s idle_s idle_rss files upload_s cli_rc jobs_s \
  ingest_cpu_s uploaded total_before total_after ingest_hwm test_s test_rc end_rss
section=$(python3 - <<'PY'
import datetime as dt, json, os, platform, re, shlex, statistics
e = os.environ
t = json.load(open(os.path.join(e["work"], "test.json")))
root, binary = e["ROOT"], e["BIN"]


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.lower().startswith(("model name", "hardware")):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


mem = int(open("/proc/meminfo").readline().split()[1]) / 2**20
machine = f"{platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), {mem:.0f} GiB RAM"
st = os.stat(binary)
bin_desc = (f"`{os.path.relpath(binary, root) if binary.startswith(root + '/') else binary}` ({st.st_size / 2**20:.1f} MiB, built "
            f"{dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc):%Y-%m-%d %H:%M} UTC)")
cmd = f"BIN={shlex.quote(os.path.relpath(binary, root) if binary.startswith(root + '/') else binary)} N={e['N']} PARTNER={e['PARTNER']} scripts/try-app-library.sh"
db = os.path.getsize(os.path.join(e["work"], "data", "immichlite.db")) / 2**20
cli = open(os.path.join(e["work"], "cli-upload.txt"), errors="replace").read().replace("\r", "\n")
cli_lines = [l.strip() for l in cli.splitlines() if re.search(r"(Successfully|Found \d+|duplicate|Error|error|failed)", l)]
cli_said = "; ".join(dict.fromkeys(cli_lines[-4:])).replace(os.path.realpath(e["MEDIA"]), "../shared/testdata/media") or "(no summary)"
passed = t.get("passed") is True and e["test_rc"] == "0"
steps = t.get("steps", [])
syncs = t.get("fullSync", [])
counts, pcounts = t.get("counts", {}), t.get("partnerCounts", {})
socket = t.get("socket", [])
rss = t.get("rss")
tl = t.get("timeline", {})


def size(b):
    return "" if b is None else f"{b / 2**20:.1f} MiB" if b >= 2**20 else f"{b / 1024:.1f} KiB" if b >= 1024 else f"{b} B"


lines = [
    f"## The app against a large library (scripts/try-app-library.sh)",
    "",
    f"Run {e['started']} UTC on {machine}; load average {e['load_before']} before, {e['load_after']} after. "
    f"Server: {bin_desc}. Command: `{cmd}`.",
    "",
    f"Library: `scripts/seed --partner {e['PARTNER']} <tmp>/data {e['N']}` ({float(e['seed_s']):.0f} s; database {db:.0f} MiB) — {e['N']} assets "
    f"of the admin and {e['PARTNER']} of a partner who shares with them — then the whole media corpus ({e['files']} files) uploaded by the admin "
    f"with the official CLI (@immich/cli 3.2.2: an API key, `immich login`, `immich upload --recursive`) in {float(e['upload_s']):.1f} s "
    f"(CLI exit {e['cli_rc']}; it said: {cli_said}); its metadata and thumbnail jobs were done {float(e['jobs_s']):.1f} s later "
    f"({float(e['ingest_cpu_s']):.1f} s of server CPU). The admin's statistics went from {e['total_before']} to {e['total_after']} "
    f"(+{e['uploaded']} on the timeline).",
    "",
    f"Server: pong {float(e['ping_s']):.1f} s after start, idle after {float(e['idle_s']):.1f} s at {e['idle_rss']} MiB RSS; "
    f"peak RSS (VmHWM) by the end of the upload and its jobs {e['ingest_hwm']} MiB.",
    "",
    f"**Result: {'passed' if passed else 'FAILED'}** — the Scale test (`tests/ImmichLite.Tests/Library/LargeLibraryTests.cs`) in "
    f"{float(e['test_s']):.0f} s" + ("" if passed else f" (exit {e['test_rc']}): " + (t.get("error") or "see the test output").strip().replace("\n", " ")[:1500]),
    "",
]
if counts:
    slices = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total")
    lines += [f"Full sync of the admin: {counts.get('total')} assets ({slices}), each slice equal to `GET /api/assets/statistics` of it, by type too"
              + (f"; of the partner: {pcounts.get('total')} ({', '.join(f'{k} {v}' for k, v in pcounts.items() if k != 'total')}), "
                 f"equal to the partner's own statistics, their {t.get('partnerLockedNotSynced', '?')} locked assets left out" if pcounts else "")
              + (f". Timeline: {tl.get('buckets')} month buckets summing to {tl.get('assets')} (trash {tl.get('trashed')}, the web's withPartners "
                 f"{tl.get('withPartners')}), the busiest month {tl.get('busiestMonth')} returned its {tl.get('busiestCount')} ids" if tl else "")
              + (". Every response, every full-sync asset included, was valid against the spec." if passed else "."), ""]

lines += ["Each step of the app's sequence, from sending the request to its last byte (the test's own JSON parsing and checks excluded):", "",
          "| step | time | response |", "|---|---|---|"]
for s in steps:
    lines.append(f"| `{s['step']}` | {s['ms']:.1f} ms | {size(s.get('bytes'))} |")
if syncs:
    lines += ["", "Full sync as the app pages it (`POST /api/sync/full-sync` {limit: 10000, updatedUntil: now, lastId, userId}, until a page is short):", "",
              "| user | assets | requests | total | per page p50 / max | JSON | pages (ms) | test's validation |", "|---|---|---|---|---|---|---|---|"]
    for s in syncs:
        times = [p["ms"] for p in s["pages"]]
        lines.append(f"| {s['user']} | {s['assets']} | {s['requests']} | **{s['requestMs'] / 1000:.2f} s** | {statistics.median(times):.0f} / {max(times):.0f} ms | "
                     f"{s['bytes'] / 2**20:.1f} MiB | {', '.join(f'{x:.0f}' for x in times)} | {s['validationMs'] / 1000:.1f} s |")
    total = sum(s["requestMs"] for s in syncs) / 1000
    lines += ["", f"Full sync in all: **{total:.2f} s** of requests for {sum(s['assets'] for s in syncs)} assets in {sum(s['requests'] for s in syncs)} requests."
              + (f" Server RSS {rss['beforeMiB']:.1f} MiB before it, peak (VmHWM{', reset just before' if rss.get('peakReset') else ', NOT reset: the peak since start'}) "
                 f"**{rss['peakMiB']:.1f} MiB** during it (+{rss['peakMiB'] - rss['beforeMiB']:.1f} MiB), {rss['afterMiB']:.1f} MiB after." if rss else "")]
if socket:
    lines += ["", "Live changes: the phone's socket (Socket.IO, its token) is connected; a second session of the same user makes each change; latency is from "
              "the API call's response to the test reading the event (an event that came before the response counts as 0):", "",
              "| change | API call | socket event | latency (target ≤ 1 s) |", "|---|---|---|---|"]
    for s in socket:
        lat = s.get("latencyMs")
        lines.append(f"| `{s['action']}` | {s['callMs']:.0f} ms | `{s['event']}` | " + ("**none**" if lat is None else f"**{lat:.0f} ms**" + ("" if lat <= 1000 else " (missed)")) + " |")
    lines += ["", "`on_upload_success` comes after the upload's metadata and thumbnail jobs, so its latency includes them."]
    if t.get("otherEvents"):
        lines += ["", "Other events read meanwhile: " + ", ".join(dict.fromkeys(t["otherEvents"])) + "."]
lines += ["", f"Server RSS at the end: {e['end_rss']} MiB."]
print("<!-- try-app-library -->\n" + "\n".join(lines) + "\n<!-- /try-app-library -->")
PY
)
echo "$section"
if [ "${NO_DOC:-0}" != 1 ]; then
  python3 scripts/lib/perf-section.py "$DOC" try-app-library "$section"
  log "wrote the section of $DOC"
fi
[ "$test_rc" -eq 0 ] && log "passed" || log "FAILED (the test's output: $work/test.txt; KEEP=1 keeps it)"
exit "$test_rc"
