#!/usr/bin/env bash
# Timeline and full-sync benchmark at 100k assets, against the floor (the same SQL run by SQLite alone).
#
#   scripts/bench-timeline.sh
#
# Environment (all optional):
#   BIN=path        server binary (default dist/<rid>/immichlite; built with publish.sh when missing, or when a
#                   file under src/ImmichLite is newer than it — NO_BUILD=1 skips that rebuild)
#   N=100000        assets of the admin          PARTNER=3000   assets of a partner who shares with the admin
#   REQS=200        timed requests per endpoint and round (after WARMUP=20 untimed ones)
#   ROUNDS=3        rounds; each measures every endpoint, then its floors (interleaved, so load changes hit both)
#   FLOOR_REPS=50   query runs per floor measurement     SYNC_RUNS=2   full syncs (each followed by its floors)
#   DELTA=1000      assets changed before the delta sync DELTA_REQS=20 timed delta-sync requests
#   EXTRA_SQL=...   SQL run on the seeded database before the server starts (to try an index without a rebuild)
#   KEEP=1          keep the temporary data folder       DOC=docs/PERFORMANCE.md (NO_DOC=1: do not write it)
#   DOTNET_GC*=...  reach the server (e.g. DOTNET_GCgen0size=100000, hex without 0x) and are listed in the report
#
# What it does: seeds a new temporary data folder with scripts/seed (N assets for the admin, PARTNER for a partner
# in the admin's timeline), starts the server on 127.0.0.1 (default log level), waits until it is idle, logs in,
# runs the first full sync (below) as the fresh server's first request, then per round:
#   * GET /api/timeline/buckets (no filter), the same as the web's photos page asks it
#     (?visibility=timeline&withPartners=true&withStacked=true), and GET /api/timeline/bucket for the busiest month
#     (both ways): REQS requests each over one keep-alive connection (curl, one process per endpoint; time_total
#     per request), p50/p90/p99, and the server's CPU time per request (utime+stime from /proc/<pid>/stat);
#   * the floor of each: the SQL that TimelineStore runs for it (copied below; keep in sync), with the same
#     parameters bound, run FLOOR_REPS times (a) by the sqlite3 CLI (-readonly, output to /dev/null; mean wall and
#     CPU per query after subtracting a run with no query) and (b) by the server's own SQLite library
#     (libe_sqlite3.so, found in /proc/<pid>/maps) through ctypes, stepping every row without reading it (p50).
# Full syncs (SYNC_RUNS: the first on the fresh server, the others after the rounds) of the admin the way the
# v1.134 app does it: POST /api/sync/full-sync {limit: 10000, updatedUntil: now, lastId, userId} until a page is
# short (curl; JSON parsed outside the timing; a failed request is reported, not fatal), with VmRSS before and
# VmHWM after (the peak is reset through /proc/<pid>/clear_refs first), and the floor: the 201 keyset pages of 500
# rows that SyncStore.FullSyncPage runs, by the CLI and by the library.
# Then a delta sync as the app does it after a change elsewhere: DELTA assets favourited through PUT /api/assets
# (one bulk request), then POST /api/sync/delta-sync {updatedAfter: before the change, userIds: [admin, partner]}
# DELTA_REQS times (p50/p99), next to its floor (the per-owner count, keyset pages and deletions of SyncStore).
# Also: the scan of the assets that the per-month counters (migration 009) replaced, measured with the server's
# library and checked to give the same answer as the counters, and EXPLAIN QUERY PLAN of every query.
# Writes docs/PERFORMANCE.md between <!-- bench-timeline --> and <!-- /bench-timeline --> (the rest is left alone).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
case "$(uname -m)" in x86_64) RID=linux-x64 ;; aarch64|arm64) RID=linux-arm64 ;; *) echo "unsupported machine" >&2; exit 1 ;; esac
DEFAULT_BIN="dist/$RID/immichlite"
BIN="${BIN:-$DEFAULT_BIN}"

for tool in python3 sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-timeline: $tool missing (scripts/install-prereqs.sh installs sqlite3 and curl)" >&2; exit 1; }
done
if [ ! -x "$BIN" ]; then
  echo "bench-timeline: $BIN missing; running publish.sh $RID" >&2
  bash publish.sh "$RID"
  export BENCH_REBUILT=1
elif [ "$BIN" = "$DEFAULT_BIN" ] && [ "${NO_BUILD:-0}" != 1 ] &&
     newer=$(find src/ImmichLite \( -name bin -o -name obj \) -prune -o -type f -newer "$BIN" -print -quit) && [ -n "$newer" ]; then
  echo "bench-timeline: $newer is newer than $BIN; rebuilding with publish.sh $RID (NO_BUILD=1 skips this)" >&2
  bash publish.sh "$RID"
  export BENCH_REBUILT=1
fi

exec python3 - "$ROOT" "$BIN" <<'PY'
import ctypes, datetime as dt, json, os, platform, re, resource, shlex, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

root, binary = sys.argv[1], os.path.abspath(sys.argv[2])
env = os.environ
N, PARTNER = int(env.get("N", 100000)), int(env.get("PARTNER", 3000))
REQS, WARMUP, ROUNDS = int(env.get("REQS", 200)), int(env.get("WARMUP", 20)), int(env.get("ROUNDS", 3))
FLOOR_REPS, SYNC_RUNS = int(env.get("FLOOR_REPS", 50)), int(env.get("SYNC_RUNS", 2))
DELTA, DELTA_REQS = int(env.get("DELTA", 1000)), int(env.get("DELTA_REQS", 20))
EXTRA_SQL, KEEP, DOC = env.get("EXTRA_SQL", ""), env.get("KEEP", "") == "1", os.path.join(root, env.get("DOC", "docs/PERFORMANCE.md"))
SYNC_LIMIT, SERVER_PAGE = 10_000, 500          # the app's page; SyncEndpoints.Batch
TICK = os.sysconf("SC_CLK_TCK")

work = tempfile.mkdtemp(prefix="immichlite-bench-timeline-")
data = os.path.join(work, "data")
started = dt.datetime.now(dt.timezone.utc)
load_before = os.getloadavg()


def log(msg):
    print(msg, flush=True)


# ------------------------------------------------------------------ the SQL the server runs (keep in sync)
# TimelineStore.Build for a user's own timeline (no album, no shared link), and Buckets / Bucket.
PARTNERS_OR = ("(a.ownerId = $owner OR (a.ownerId IN (SELECT p.sharedById FROM partners p JOIN users o ON o.id = p.sharedById "
               "AND o.deletedAt IS NULL WHERE p.sharedWithId = $owner AND p.inTimeline = 1) AND a.visibility = 'timeline'))")


def timeline_where(with_partners, visibility):
    w = "1 = 1" + (" AND " + PARTNERS_OR if with_partners else " AND a.ownerId = $owner") + " AND a.status = 'active'"
    return w + (" AND a.visibility = $vis" if visibility else " AND a.visibility IN ('timeline', 'archive')")


def buckets_sql(with_partners=False, visibility=None, stacked=False):
    """What the server runs: the per-month counters of migration 009 (withStacked: minus the stacks' hidden members)."""
    where = timeline_where(with_partners, visibility)
    if stacked:
        return ("SELECT m, SUM(n) FROM ("
                f"SELECT a.month AS m, SUM(a.n) AS n FROM asset_month_counts a WHERE {where} GROUP BY a.month UNION ALL "
                "SELECT substr(a.localDateTime, 1, 7), -COUNT(*) FROM stacks st JOIN assets a ON a.stackId = st.id AND a.id <> st.primaryAssetId "
                f"WHERE {where} GROUP BY 1) GROUP BY m HAVING SUM(n) > 0 ORDER BY m DESC")
    return (f"SELECT a.month, SUM(a.n) FROM asset_month_counts a WHERE {where} "
            "GROUP BY a.month HAVING SUM(a.n) > 0 ORDER BY a.month DESC")


def buckets_scan_sql(with_partners=False, visibility=None):
    """The scan of the assets the counters replaced (still what album and shared-link timelines run)."""
    return f"SELECT substr(a.localDateTime, 1, 7) AS m, COUNT(*) FROM assets a WHERE {timeline_where(with_partners, visibility)} GROUP BY m ORDER BY m DESC"


def bucket_sql(with_partners=False, visibility=None, stacked=False):
    return ("SELECT a.id, a.ownerId, a.localDateTime, a.isFavorite, a.type = 'IMAGE', a.status = 'trashed', a.thumbhash, a.duration, "
            "a.livePhotoVideoId, a.visibility, e.city, e.country, e.projectionType, e.exifImageWidth, e.exifImageHeight, e.orientation, "
            "a.stackId, CASE WHEN a.stackId IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM assets m WHERE m.stackId = a.stackId) END "
            f"FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id WHERE {timeline_where(with_partners, visibility)} "
            "AND a.localDateTime >= $from AND a.localDateTime < $to"
            + (" AND (a.stackId IS NULL OR a.id = (SELECT st.primaryAssetId FROM stacks st WHERE st.id = a.stackId))" if stacked else "")
            + " ORDER BY a.localDateTime DESC, a.id LIMIT $limit OFFSET $offset")


# SyncStore.FullSyncPage (AssetStore.Cols, AssetStore.ExifCols, AccessSql.PartnerAssetFilter)
ASSET_COLS = ("a.id, a.ownerId, a.libraryId, a.deviceAssetId, a.deviceId, a.type, a.originalPath, a.originalFileName, a.checksum, "
              "a.fileCreatedAt, a.fileModifiedAt, a.localDateTime, a.isFavorite, a.visibility, a.duration, a.livePhotoVideoId, a.sidecarPath, "
              "a.encodedVideoPath, a.thumbhash, a.isOffline, a.duplicateId, a.stackId, a.status, a.createdAt, a.updatedAt, a.deletedAt")
EXIF_COLS = ("e.assetId, e.make, e.model, e.exifImageWidth, e.exifImageHeight, e.fileSizeInByte, e.orientation, e.dateTimeOriginal, "
             "e.modifyDate, e.timeZone, e.lensModel, e.fNumber, e.focalLength, e.iso, e.exposureTime, e.latitude, e.longitude, e.city, e.state, "
             "e.country, e.description, e.projectionType, e.rating, e.fps, e.profileDescription, e.colorspace, e.bitsPerSample, e.livePhotoCID")
FULL_SYNC_SQL = (f"SELECT {ASSET_COLS}, {EXIF_COLS} FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id "
                 "WHERE a.ownerId = $o AND a.visibility <> 'hidden' AND ($p = 0 OR a.visibility <> 'locked') AND a.updatedAt <= $until "
                 "AND a.id > $after ORDER BY a.id LIMIT $n")


# ------------------------------------------------------------------ helpers
def iso(t):
    return t.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q * (len(v) - 1))))]


def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK          # utime + stime, all threads


def proc_status(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0]) / 1024          # MiB
    return out


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.lower().startswith(("model name", "hardware")):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def mib(b):
    return b / 2**20


# ------------------------------------------------------------------ 1. seed
log(f"bench-timeline: work folder {work}; load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
seed_cmd = [os.path.join(root, "scripts", "seed"), "--bin", binary, "--partner", str(PARTNER), data, str(N)]
t0 = time.perf_counter()
seed_out = subprocess.run(seed_cmd, check=True, capture_output=True, text=True).stdout
seed_seconds = time.perf_counter() - t0
log(seed_out.rstrip())
db_path = os.path.join(data, "immichlite.db")
if EXTRA_SQL:
    log(f"EXTRA_SQL: {EXTRA_SQL}")
    subprocess.run(["sqlite3", db_path], input=EXTRA_SQL, text=True, check=True)
db_mib = mib(os.path.getsize(db_path))

# ------------------------------------------------------------------ 2. server
port = free_port()
base = f"http://127.0.0.1:{port}/api"
server_log = os.path.join(work, "server.log")
server = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port), "--data", data],
                          stdout=open(server_log, "w"), stderr=subprocess.STDOUT)


def stop_server():
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def api(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


try:
    t0 = time.perf_counter()
    while True:
        if server.poll() is not None:
            sys.exit(f"bench-timeline: the server exited ({server.returncode}):\n" + open(server_log).read())
        try:
            if api("GET", "/server/ping") == {"res": "pong"}:
                break
        except OSError:
            pass
        if time.perf_counter() - t0 > 60:
            sys.exit("bench-timeline: no pong within 60 s:\n" + open(server_log).read())
        time.sleep(0.02)
    # idle: less than 20 ms of CPU in a second (start-up work such as a geodata import done)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 300:
        c0 = proc_cpu(server.pid)
        time.sleep(1)
        if proc_cpu(server.pid) - c0 <= 0.02:
            break
    idle_rss = proc_status(server.pid)["VmRSS"]

    login = api("POST", "/auth/login", {"email": "admin@example.com", "password": "admin"})
    token, admin_id = login["accessToken"], login["userId"]
    auth_header = "Authorization: Bearer " + token

    lib_path = next((m.group(0) for m in re.finditer(r"/\S*libe_sqlite3\.so\S*", open(f"/proc/{server.pid}/maps").read())), None)
    cli_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]

    # ---------------------------------------------------------------- the server's SQLite, through ctypes
    lib = None
    if lib_path:
        lib = ctypes.CDLL(lib_path)
        lib.sqlite3_libversion.restype = ctypes.c_char_p
        lib.sqlite3_open_v2.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_char_p]
        lib.sqlite3_prepare_v2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
        lib.sqlite3_bind_parameter_index.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.sqlite3_bind_text.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
        lib.sqlite3_bind_int64.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int64]
        lib.sqlite3_step.argtypes = [ctypes.c_void_p]
        lib.sqlite3_reset.argtypes = [ctypes.c_void_p]
        lib.sqlite3_finalize.argtypes = [ctypes.c_void_p]
        lib.sqlite3_column_text.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.sqlite3_column_text.restype = ctypes.c_char_p
        lib.sqlite3_exec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib_db = ctypes.c_void_p()
        if lib.sqlite3_open_v2(db_path.encode(), ctypes.byref(lib_db), 1, None) != 0:   # SQLITE_OPEN_READONLY
            sys.exit("bench-timeline: the server's SQLite library cannot open the database")
        # as the server's read connections are set up (Database.Open)
        lib.sqlite3_exec(lib_db, b"PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", None, None, None)
        lib_version = lib.sqlite3_libversion().decode()
    else:
        lib_version = None

    def lib_prepare(sql, params):
        st = ctypes.c_void_p()
        rc = lib.sqlite3_prepare_v2(lib_db, sql.encode(), -1, ctypes.byref(st), None)
        if rc != 0:
            sys.exit(f"bench-timeline: prepare failed ({rc}): {sql}")
        keep = []
        for k, v in params.items():
            i = lib.sqlite3_bind_parameter_index(st, k.encode())
            if i == 0:
                continue
            if isinstance(v, int):
                lib.sqlite3_bind_int64(st, i, v)
            else:
                b = v.encode()
                keep.append(b)
                lib.sqlite3_bind_text(st, i, b, len(b), ctypes.c_void_p(-1))   # SQLITE_TRANSIENT
        return st

    def lib_rows(sql, params, column=None):
        st = lib_prepare(sql, params)
        out, n = [], 0
        while lib.sqlite3_step(st) == 100:
            n += 1
            if column is not None:
                out.append(lib.sqlite3_column_text(st, column).decode())
        lib.sqlite3_finalize(st)
        return out if column is not None else n

    def lib_table(sql, params, ncols):
        st = lib_prepare(sql, params)
        out = []
        while lib.sqlite3_step(st) == 100:
            out.append(tuple((lib.sqlite3_column_text(st, i) or b"").decode() for i in range(ncols)))
        lib.sqlite3_finalize(st)
        return out

    def lib_plan(sql, params):
        return lib_rows("EXPLAIN QUERY PLAN " + sql, params, 3) if lib else ["(server library not found)"]

    def lib_floor(queries, reps):
        """p50 wall and mean CPU (ms) of running the list of (sql, params) `reps` times, stepping every row."""
        if not lib:
            return None
        for sql, params in queries[:1] if reps == 1 else queries:     # warm-up
            lib_rows(sql, params)
        walls, c0 = [], time.process_time()
        for _ in range(reps):
            t = time.perf_counter()
            for sql, params in queries:
                lib_rows(sql, params)
            walls.append((time.perf_counter() - t) * 1000)
        return {"p50": statistics.median(walls), "cpu": (time.process_time() - c0) * 1000 / reps}

    # ---------------------------------------------------------------- floors through the sqlite3 CLI
    def cli_literal(v):
        return str(v) if isinstance(v, int) else "\"'" + v.replace("'", "''") + "'\""

    def cli_floor(queries, reps):
        """Mean wall and CPU (ms) per run of the list of (sql, params): a script with the queries `reps` times, minus the
        same script without them (process start, open, .parameter set)."""
        def script(with_queries):
            lines = ["PRAGMA temp_store = MEMORY;", ".output /dev/null"]
            for _ in range(reps if with_queries else 1):
                for sql, params in queries:
                    lines += [f".parameter set {k} {cli_literal(v)}" for k, v in params.items()]
                    if with_queries:
                        lines.append(sql + ";")
            path = os.path.join(work, "floor-q.sql" if with_queries else "floor-0.sql")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            return path

        def run(path):
            r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            with open(path) as f:
                subprocess.run(["sqlite3", "-readonly", db_path], stdin=f, check=True)
            r1, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            return t1 - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)

        p0, p1 = script(False), script(True)
        run(p1 if reps <= 5 else p0)                         # warm-up
        w0, c0 = run(p0)
        w1, c1 = run(p1)
        return {"wall": max(0.0, w1 - w0) * 1000 / reps, "cpu": max(0.0, c1 - c0) * 1000 / reps}

    def cli_plan(sql, params):
        lines = [f".parameter set {k} {cli_literal(v)}" for k, v in params.items()] + ["EXPLAIN QUERY PLAN " + sql + ";"]
        out = subprocess.run(["sqlite3", "-readonly", db_path], input="\n".join(lines) + "\n", capture_output=True, text=True).stdout
        return [re.sub(r"^[|`\- ]+", "", l) for l in out.splitlines() if l and l != "QUERY PLAN"]

    # ---------------------------------------------------------------- the server, through curl
    def curl_series(path, count):
        cfg = os.path.join(work, "curl.cfg")
        with open(cfg, "w") as f:
            f.write(f'silent\nshow-error\nheader = "{auth_header}"\nwrite-out = "%{{time_total}} %{{http_code}} %{{size_download}}\\n"\n')
            for _ in range(count):
                f.write(f'url = "{base}{path}"\noutput = "/dev/null"\n')
        c0 = proc_cpu(server.pid)
        out = subprocess.run(["curl", "-K", cfg], capture_output=True, text=True, check=True).stdout.split("\n")
        cpu = (proc_cpu(server.pid) - c0) * 1000 / count
        rows = [l.split() for l in out if l.strip()]
        bad = [r for r in rows if r[1] != "200"]
        if bad or len(rows) != count:
            sys.exit(f"bench-timeline: {path}: {len(bad)} non-200 answers of {len(rows)}: {bad[:3]}")
        return [float(r[0]) * 1000 for r in rows], cpu, int(rows[0][2])

    # ---------------------------------------------------------------- full sync, as the app does it
    out_file = os.path.join(work, "full-sync.json")

    def full_sync():
        until, last = iso(dt.datetime.now(dt.timezone.utc)), None
        total, count, size, requests, times = 0.0, 0, 0, 0, []
        while True:
            body = {"limit": SYNC_LIMIT, "updatedUntil": until, "userId": admin_id, **({"lastId": last} if last else {})}
            if os.path.exists(out_file):
                os.unlink(out_file)
            p = subprocess.run(["curl", "-sS", "-o", out_file, "-w", "%{time_total} %{http_code} %{size_download}", "-H", auth_header,
                                "-H", "Content-Type: application/json", "--data-binary", json.dumps(body), base + "/sync/full-sync"],
                               capture_output=True, text=True)
            out = p.stdout.split() + ["?", "?", "0"]
            t = float(out[0]) * 1000 if out[0] != "?" else 0.0
            requests, size, total = requests + 1, size + int(out[2]), total + t
            times.append(t)
            error, items = None, None
            if p.returncode != 0 or out[1] != "200":
                error = f"{p.stderr.strip() or 'curl exit ' + str(p.returncode)} (HTTP {out[1]})"
            else:
                try:
                    with open(out_file) as f:
                        items = json.load(f)                    # outside the timing, as the app's parsing is not the server's
                except (OSError, ValueError) as e:
                    error = f"the response is not a JSON array ({e})"
            result = {"until": until, "total": total, "count": count, "size": size, "requests": requests, "times": times}
            if error:
                # what the server logged about it (first line of the failure)
                failures = [l for l in open(server_log, errors="replace") if " fail: " in l]
                cause = failures[-1].split("An unhandled exception was thrown by the application.")[-1].split("    at ")[0].strip().rstrip(".")[:300] if failures else ""
                return dict(result, error=f"request {requests} ({'lastId ' + last if last else 'no lastId'}) failed: {error}"
                                          + (f"; server log: {cause}" if cause else ""))
            count += len(items)
            result["count"] = count
            if len(items) != SYNC_LIMIT:
                return result
            last = items[-1]["id"]

    sync_runs = []
    def measured_sync(r, when):
        before = proc_status(server.pid)
        try:
            with open(f"/proc/{server.pid}/clear_refs", "w") as f:
                f.write("5")                                    # reset VmHWM to the current RSS
            hwm_reset = True
        except OSError:
            hwm_reset = False
        c0 = proc_cpu(server.pid)
        s = full_sync()
        s["when"] = when
        s["cpu"] = (proc_cpu(server.pid) - c0) * 1000
        after = proc_status(server.pid)
        s.update(rss_before=before["VmRSS"], hwm_after=after["VmHWM"], rss_after=after["VmRSS"], hwm_reset=hwm_reset)
        s["growth"] = s["hwm_after"] - s["rss_before"]
        # the floor: the keyset pages the server ran (SERVER_PAGE rows each, the last one empty)
        sp = {"$o": admin_id, "$p": 0, "$until": s["until"], "$n": SERVER_PAGE}
        ids = subprocess.run(
            ["sqlite3", "-readonly", db_path, f"SELECT id FROM assets a WHERE a.ownerId = '{admin_id}' AND a.visibility <> 'hidden' "
             f"AND a.updatedAt <= '{s['until']}' ORDER BY a.id"], capture_output=True, text=True, check=True).stdout.split()
        afters = [""] + ids[SERVER_PAGE - 1::SERVER_PAGE]
        pages = [(FULL_SYNC_SQL, dict(sp, **{"$after": a})) for a in afters]
        s["pages"] = len(pages)
        s["cli"] = cli_floor(pages, 1)
        s["lib"] = lib_floor(pages, 1)
        sync_runs.append(s)
        if s.get("error"):
            log(f"full sync {r}: FAILED: {s['error']}")
        log(f"full sync {r} ({when}): {s['count']} assets in {s['requests']} requests, {s['total'] / 1000:.2f} s "
            f"(server CPU {s['cpu'] / 1000:.2f} s), {mib(s['size']):.1f} MiB of JSON; RSS {s['rss_before']:.1f} MiB before, "
            f"peak {s['hwm_after']:.1f} MiB during (+{s['growth']:.1f} MiB) | floor: CLI {s['cli']['wall'] / 1000:.2f} s "
            f"({s['cli']['cpu'] / 1000:.2f} s CPU)" + (f", lib {s['lib']['p50'] / 1000:.2f} s" if s["lib"] else "")
            + f" for {s['pages']} pages | load {os.getloadavg()[0]:.2f}")

    measured_sync(1, "fresh server")                # the first right after start: the RSS the sync itself adds

    # ---------------------------------------------------------------- the cases
    first = api("GET", "/timeline/buckets", token=token)
    busy = max(first, key=lambda b: b["count"])
    busy_month = busy["timeBucket"][:7]
    y, m = map(int, busy_month.split("-"))
    month_from = f"{busy_month}-01T00:00:00.000Z"
    month_to = (f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}") + "-01T00:00:00.000Z"
    P = {"$viewer": admin_id, "$owner": admin_id}
    PW = dict(P, **{"$vis": "timeline"})
    PM = dict(P, **{"$from": month_from, "$to": month_to, "$offset": 0, "$limit": 100000})
    PMW = dict(PM, **{"$vis": "timeline"})
    web = "visibility=timeline&withPartners=true&withStacked=true"
    cases = [
        ("buckets", "GET /timeline/buckets", "/timeline/buckets", buckets_sql(), P),
        ("buckets-web", f"GET /timeline/buckets?{web}", f"/timeline/buckets?{web}", buckets_sql(True, "timeline", stacked=True), PW),
        ("bucket", f"GET /timeline/bucket?timeBucket={busy_month}-01", f"/timeline/bucket?timeBucket={busy_month}-01", bucket_sql(), PM),
        ("bucket-web", f"GET /timeline/bucket?timeBucket={busy_month}-01&{web}", f"/timeline/bucket?timeBucket={busy_month}-01&{web}",
         bucket_sql(True, "timeline", stacked=True), PMW),
    ]
    counts = {"buckets": len(first), "buckets-web": len(api("GET", f"/timeline/buckets?{web}", token=token)),
              "bucket": len(api("GET", cases[2][2], token=token)["id"]), "bucket-web": len(api("GET", cases[3][2], token=token)["id"])}
    plans = {key: lib_plan(sql, params) for key, _, _, sql, params in cases}
    cli_plans = {key: cli_plan(sql, params) for key, _, _, sql, params in cases}

    results = {key: [] for key, *_ in cases}
    for r in range(1, ROUNDS + 1):
        for key, label, path, sql, params in cases:
            curl_series(path, WARMUP)
            times, cpu, size = curl_series(path, REQS)
            cli = cli_floor([(sql, params)], FLOOR_REPS)
            lf = lib_floor([(sql, params)], FLOOR_REPS)
            res = {"p50": pct(times, .5), "p90": pct(times, .9), "p99": pct(times, .99), "cpu": cpu, "size": size, "cli": cli, "lib": lf}
            results[key].append(res)
            log(f"round {r} {label}: p50 {res['p50']:.2f} ms, p99 {res['p99']:.2f} ms, server CPU {cpu:.2f} ms/req | "
                f"floor CLI {cli['wall']:.2f} ms ({cli['cpu']:.2f} CPU)" + (f", lib p50 {lf['p50']:.2f} ms" if lf else "")
                + f" | load {os.getloadavg()[0]:.2f}")

    for r in range(2, SYNC_RUNS + 1):
        measured_sync(r, "after the timeline requests")

    # ---------------------------------------------------------------- delta sync after DELTA changes elsewhere
    DELTA_SQL = {   # SyncStore.DeltaCount / DeltaPage / DeltaDeleted for one owner (keep in sync)
        "count": "SELECT COUNT(*) FROM (SELECT 1 FROM assets a WHERE a.ownerId = $o AND a.updatedAt > $after AND {vis} LIMIT 10000)",
        "page": (f"SELECT {ASSET_COLS}, {EXIF_COLS}, a.updatedAt, a.rowid FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id "
                 "WHERE a.ownerId = $o AND a.updatedAt >= $u AND (a.updatedAt > $u OR a.rowid > $r) AND {vis} ORDER BY a.updatedAt, a.rowid LIMIT 500"),
        "deleted": ("SELECT assetId FROM assets_audit WHERE ownerId = $o AND deletedAt > $after UNION "
                    "SELECT a.id FROM assets a WHERE a.ownerId = $o AND a.updatedAt > $after AND NOT ({vis})"),
    }
    partner_id = api("GET", "/partners?direction=shared-with", token=token)
    partner_id = partner_id[0]["id"] if partner_id else None
    checkpoint = iso(dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))
    time.sleep(0.01)
    change_ids = subprocess.run(["sqlite3", "-readonly", db_path, f"SELECT id FROM assets WHERE ownerId = '{admin_id}' AND visibility = 'timeline' "
                                f"AND status = 'active' AND isFavorite = 0 ORDER BY random() LIMIT {DELTA}"], capture_output=True, text=True, check=True).stdout.split()
    req = urllib.request.Request(base + "/assets", method="PUT", data=json.dumps({"ids": change_ids, "isFavorite": True}).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(req, timeout=120).read()
    delta_body = json.dumps({"updatedAfter": checkpoint, "userIds": [admin_id] + ([partner_id] if partner_id else [])}).encode()
    delta_times, delta_answer, c0 = [], None, proc_cpu(server.pid)
    for i in range(DELTA_REQS + 3):
        req = urllib.request.Request(base + "/sync/delta-sync", method="POST", data=delta_body,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        t = time.perf_counter()
        raw = urllib.request.urlopen(req, timeout=120).read()
        if i >= 3:
            delta_times.append((time.perf_counter() - t) * 1000)
        if i == 0:
            c0 = proc_cpu(server.pid)
            delta_answer = json.loads(raw)
    delta_cpu = (proc_cpu(server.pid) - c0) * 1000 / (DELTA_REQS + 2)
    upserted = {a["id"] for a in delta_answer["upserted"]}
    delta = {"p50": pct(delta_times, .5), "p99": pct(delta_times, .99), "cpu": delta_cpu, "size": len(raw),
             "needsFullSync": delta_answer["needsFullSync"], "upserted": len(upserted), "deleted": len(delta_answer["deleted"]),
             "exact": upserted == set(change_ids) and not delta_answer["needsFullSync"]}
    delta_queries = []
    for owner, vis in [(admin_id, "a.visibility <> 'hidden'")] + ([(partner_id, "a.visibility = 'timeline'")] if partner_id else []):
        delta_queries.append((DELTA_SQL["count"].format(vis=vis), {"$o": owner, "$after": checkpoint}))
        keys = [(checkpoint, 2**63 - 1)] if owner != admin_id else [(checkpoint, 2**63 - 1)] + [None] * (len(change_ids) // 500)
        for k in keys:
            # later pages start after the previous page's last (updatedAt, rowid); bench them all from the first key
            delta_queries.append((DELTA_SQL["page"].format(vis=vis), {"$o": owner, "$u": checkpoint, "$r": 2**63 - 1}))
        delta_queries.append((DELTA_SQL["deleted"].format(vis=vis), {"$o": owner, "$after": checkpoint}))
    delta["lib"] = lib_floor(delta_queries, FLOOR_REPS // 5 or 1)
    delta["plan"] = lib_plan(DELTA_SQL["page"].format(vis="a.visibility <> 'hidden'"), {"$o": admin_id, "$u": checkpoint, "$r": 2**63 - 1})
    log(f"delta sync after {len(change_ids)} changes: p50 {delta['p50']:.1f} ms, p99 {delta['p99']:.1f} ms, server CPU {delta_cpu:.1f} ms, "
        f"{delta['upserted']} upserted (exactly the changes: {delta['exact']}) | floor lib {delta['lib']['p50'] if delta['lib'] else float('nan'):.1f} ms")

    # ---------------------------------------------------------------- the scan the per-month counters replaced
    scans = {}
    if lib:
        for key, scan_sql, params in [("buckets", buckets_scan_sql(), P), ("buckets-web", buckets_scan_sql(True, "timeline"), PW)]:
            current = next(c for c in cases if c[0] == key)
            same = lib_table(scan_sql, params, 2) == lib_table(current[3], current[4], 2)
            scans[key] = dict(lib_floor([(scan_sql, params)], FLOOR_REPS), same=same)
            log(f"scan {key}: {scans[key]['p50']:.2f} ms by scanning the assets (same answer as the counters: {same})")

    sync_plan = lib_plan(FULL_SYNC_SQL, {"$o": admin_id, "$p": 0, "$until": sync_runs[0]["until"], "$after": "", "$n": SERVER_PAGE})
    sync_cli_plan = cli_plan(FULL_SYNC_SQL, {"$o": admin_id, "$p": 0, "$until": sync_runs[0]["until"], "$after": "", "$n": SERVER_PAGE})
    final_rss = proc_status(server.pid)
finally:
    stop_server()
    load_after = os.getloadavg()

# ------------------------------------------------------------------ report
med = lambda xs: statistics.median(xs)


def summary(key):
    rs = results[key]
    s = {k: med([r[k] for r in rs]) for k in ("p50", "p90", "p99", "cpu")}
    s["p50_min"], s["p50_max"] = min(r["p50"] for r in rs), max(r["p50"] for r in rs)
    s["cli_wall"], s["cli_cpu"] = med([r["cli"]["wall"] for r in rs]), med([r["cli"]["cpu"] for r in rs])
    s["lib_p50"] = med([r["lib"]["p50"] for r in rs]) if rs[0]["lib"] else None
    s["size"] = rs[0]["size"]
    # a floor too small to measure by subtraction (tiny N) falls back to the library's
    floor = s["cli_wall"] if s["cli_wall"] > 0.01 else (s["lib_p50"] or 0)
    s["ratio"] = s["p50"] / floor if floor > 0 else float("nan")
    s["cpu_ratio"] = s["cpu"] / s["cli_cpu"] if s["cli_cpu"] > 0.01 else float("nan")
    return s


S = {key: summary(key) for key, *_ in cases}
sync = min(sync_runs, key=lambda s: s["total"])
growth = max(s["growth"] for s in sync_runs)
b = S["buckets"]
target_p50 = b["p50"] <= 5
target_ratio = b["ratio"] <= 2
target_rss = growth * 2**20 <= 50e6
ok = lambda v: "met" if v else "**missed**"

mem_total = int(open("/proc/meminfo").readline().split()[1]) // 1024
machine = f"{platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), {mem_total / 1024:.0f} GiB RAM, Linux {platform.release()}"
bin_stat = os.stat(binary)
bin_desc = (f"`{os.path.relpath(binary, root) if binary.startswith(root) else binary}` ({mib(bin_stat.st_size):.1f} MiB, built "
            f"{dt.datetime.fromtimestamp(bin_stat.st_mtime, dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
            + (f" by `publish.sh {platform.machine() == 'x86_64' and 'linux-x64' or 'linux-arm64'}` for this run, from the working tree" if env.get("BENCH_REBUILT") else "") + ")")
try:
    l3 = open("/sys/devices/system/cpu/cpu0/cache/index3/size").read().strip()
    l3 = f"{int(l3[:-1]) // 1024} MiB" if l3.endswith("K") and int(l3[:-1]) % 1024 == 0 else l3
except OSError:
    l3 = "?"
knobs = " ".join(f"{k}={shlex.quote(env[k])}" for k in ["BIN", "N", "PARTNER", "REQS", "WARMUP", "ROUNDS", "FLOOR_REPS", "SYNC_RUNS", "EXTRA_SQL", "NO_BUILD"]
                 + sorted(k for k in env if k.startswith("DOTNET_GC")) if k in env)
bench_cmd = (knobs + " " if knobs else "") + "scripts/bench-timeline.sh"


def fmt(v, d=2):
    return "–" if v is None else f"{v:.{d}f}"


lines = [
    f"## Timeline and full sync at {N // 1000}k assets (scripts/bench-timeline.sh)",
    "",
    f"Run {started:%Y-%m-%d %H:%M} UTC on {machine}; load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} before, "
    f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} after. Server: {bin_desc}, SQLite {lib_version or '?'} inside; "
    f"floor CLI: sqlite3 {cli_version}. Command: `{bench_cmd}`.",
    "",
    f"Data: `scripts/seed --partner {PARTNER} <tmp>/data {N}` ({seed_seconds:.1f} s) — N = {N} assets for the admin "
    f"(~90% IMAGE, ~10 years of localDateTime, exif on all, camera data and GPS on ~half, ~4% favourites, ~2% archived, ~1% trashed) "
    f"plus {PARTNER} of a partner in the admin's timeline; database {db_mib:.0f} MiB"
    + (f"; `EXTRA_SQL` applied: `{EXTRA_SQL}`" if EXTRA_SQL else "") + f". Idle server RSS before the requests: {idle_rss:.1f} MiB.",
    "",
    f"Server: {REQS} requests per endpoint and round after {WARMUP} warm-up ones, one keep-alive connection (curl `time_total`, to the last byte), "
    f"{ROUNDS} rounds; the table shows the median over the rounds (p50 range across rounds in brackets). *Server CPU* is the process's "
    f"utime+stime per request. *Floor*: the same SQL with the same parameters bound, run {FLOOR_REPS}× per round by the sqlite3 CLI "
    "(`-readonly`, output to /dev/null, start-up subtracted: mean wall / CPU per query) and by the server's own SQLite library via "
    "ctypes (every row stepped, none read: p50). Ratio = server p50 / CLI floor wall (CPU ratio = server CPU / CLI floor CPU).",
    "",
    "| request | rows | response | server p50 | p90 | p99 | server CPU | floor CLI wall / CPU | floor lib p50 | ratio (CPU ratio) |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
for key, label, *_ in cases:
    s = S[key]
    lines.append(f"| `{label}` | {counts[key]} | {s['size'] / 1024:.1f} KiB | **{s['p50']:.2f} ms** ({s['p50_min']:.2f}–{s['p50_max']:.2f}) | "
                 f"{s['p90']:.2f} ms | {s['p99']:.2f} ms | {s['cpu']:.2f} ms | {s['cli_wall']:.2f} / {s['cli_cpu']:.2f} ms | "
                 f"{fmt(s['lib_p50'])} ms | {s['ratio']:.2f}× ({s['cpu_ratio']:.2f}×) |")
lines += [
    "",
    f"Full sync of the admin as the v1.134 app does it (`POST /sync/full-sync` {{limit: {SYNC_LIMIT}, updatedUntil, lastId, userId}} until a short "
    f"page; the server reads keyset pages of {SERVER_PAGE}); run 1 on the freshly started, idle server before any other request, "
    f"the others after the timeline rounds; JSON parsed outside the timing. RSS: VmRSS before the sync and "
    f"VmHWM after it{' (peak reset through /proc/<pid>/clear_refs just before)' if sync_runs[0]['hwm_reset'] else ''}. Floor: the "
    f"{sync_runs[0]['pages']} page queries of SyncStore.FullSyncPage with the same keys, by the CLI (all columns printed to /dev/null) and by the library.",
    "",
    "| run | assets | requests | total time | per request p50 / max | server CPU | JSON | RSS before → peak (growth) | floor CLI wall / CPU | floor lib | ratio |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
sync_errors = [s["error"] for s in sync_runs if s.get("error")]
for i, s in enumerate(sync_runs, 1):
    lines.append(f"| {i} ({s['when']}) | {s['count']} | {s['requests']} | **{s['total'] / 1000:.2f} s** | {pct(s['times'], .5) / 1000:.2f} / {max(s['times']) / 1000:.2f} s | "
                 f"{s['cpu'] / 1000:.2f} s | {mib(s['size']):.1f} MiB | {s['rss_before']:.1f} → {s['hwm_after']:.1f} MiB (**+{s['growth']:.1f} MiB**) | "
                 f"{s['cli']['wall'] / 1000:.2f} / {s['cli']['cpu'] / 1000:.2f} s | {fmt(s['lib']['p50'] / 1000 if s['lib'] else None)} s | "
                 f"{s['total'] / s['cli']['wall'] if s['cli']['wall'] else float('inf'):.2f}× |")
if sync_errors:
    which = "every run" if len(sync_errors) == len(sync_runs) else f"{len(sync_errors)} of {len(sync_runs)} runs"
    lines += ["", f"**The full sync failed** ({which}): " + "; ".join(dict.fromkeys(sync_errors))
              + ". The figures above count the requests up to and including the failed one."]
lines += [
    "",
    f"Delta sync after {DELTA} of the admin's assets were favourited in one `PUT /assets` (checkpoint just before it, userIds = admin and "
    f"partner): {DELTA_REQS} requests over urllib, p50 **{delta['p50']:.1f} ms**, p99 {delta['p99']:.1f} ms, server CPU {delta['cpu']:.1f} ms per request, "
    f"{delta['size'] / 1024:.0f} KiB of JSON; {delta['upserted']} upserted, {delta['deleted']} deleted, needsFullSync {str(delta['needsFullSync']).lower()} "
    f"(exactly the changed assets: {'yes' if delta['exact'] else '**NO**'}). Floor (the server's SQLite, every row stepped): "
    f"{fmt(delta['lib']['p50'] if delta['lib'] else None, 1)} ms for the per-owner counts, keyset pages and deletions "
    f"(ratio {delta['p50'] / delta['lib']['p50'] if delta['lib'] else float('nan'):.1f}×). Page plan: {'; '.join(delta['plan'])}.",
]
lines += [
    "",
    f"Targets: buckets p50 ≤ 5 ms: {ok(target_p50)} ({b['p50']:.2f} ms); buckets within 2× of the floor: {ok(target_ratio)} "
    f"({b['ratio']:.2f}×; CPU {b['cpu_ratio']:.2f}×); full-sync RSS growth ≤ 50 MB: {ok(target_rss)} (+{growth:.1f} MiB = {growth * 2**20 / 1e6:.1f} MB). "
    f"Server RSS at the end: {final_rss['VmRSS']:.1f} MiB.",
    "",
    f"Query plans (EXPLAIN QUERY PLAN by the server's SQLite {lib_version or '?'}; the CLI's {cli_version} plans are noted where they differ):",
    "",
]
for key, label, *_ in cases:
    lines.append(f"- `{label}`: " + "; ".join(plans[key]) + ("" if cli_plans[key] == plans[key] or not lib else f" (CLI: {'; '.join(cli_plans[key])})"))
lines.append("- full-sync page: " + "; ".join(sync_plan) + ("" if sync_cli_plan == sync_plan or not lib else f" (CLI: {'; '.join(sync_cli_plan)})"))

findings = []
if "asset_month_counts" in buckets_sql():
    sc = scans.get("buckets"), scans.get("buckets-web")
    findings.append(f"Buckets: summed from the per-month counters of migration 009 (`asset_month_counts`, kept by triggers on `assets`; "
                    f"{counts['buckets']} months here), so the cost follows the number of months, not of assets"
                    + (f". The scan of the assets they replaced takes {sc[0]['p50']:.1f} ms (web: {sc[1]['p50']:.1f} ms) with the server's "
                       f"SQLite on the same data, and gives the same answer: {'yes' if sc[0]['same'] and sc[1]['same'] else '**NO**'}" if sc[0] else "")
                    + ". The write cost is one counter upsert per asset insert and two statements per counted change.")
if any("TEMP B-TREE FOR ORDER BY" in p for p in sync_plan):
    findings.append("Full sync: each keyset page (`a.id > $after ORDER BY a.id LIMIT 500`) is planned on an (ownerId, …) index that does not "
                    "give id order, so every page reads and sorts all of the owner's rows: O(N) per page, O(N²/500) per sync. Fix: the "
                    "partial index `assets_owner_id_sync_idx` (ownerId, id) of migration 008.")
elif any("assets_owner_id_sync_idx" in p for p in sync_plan):
    fs = min(sync_runs, key=lambda r: r["total"])
    findings.append(f"Full sync: each page reads {SERVER_PAGE} entries of `assets_owner_id_sync_idx` (migration 008) in id order; the time "
                    f"over the floor ({fs['total'] / fs['cli']['wall']:.1f}×) is the mapping and JSON of ~{fs['size'] / max(1, fs['count']) / 1024:.2f} KiB "
                    "per asset, which the floor does not do.")
if any("Invalid ordering of calling StartAsync" in e for e in sync_errors):
    findings.append("Full-sync failure: SyncEndpoints.StreamArray writes `[` with a Utf8JsonWriter over the response's PipeWriter and "
                    "lets `BodyWriter.FlushAsync` start the response before the writer has flushed (advanced) those bytes; when the "
                    "first page is empty — an empty library, or the app's last request whenever the asset count is a multiple of "
                    "the limit — the writer's later Advance throws and Kestrel aborts the response. Fix: `w.Flush()` before every "
                    "`BodyWriter.FlushAsync` (e.g. right after `WriteStartArray`).")
if not target_rss:
    first_sync, warm = sync_runs[0], sync_runs[1:]
    findings.append(
        f"Full-sync memory: the growth happens on the fresh server (run 1: +{first_sync['growth']:.0f} MiB)"
        + (f"; the next sync on the warm server adds +{warm[0]['growth']:.0f} MiB, so nothing is retained" if warm else "")
        + f". The binary embeds a 4 MiB gen0 budget (System.GC.Gen0MaxBudget in src/ImmichLite/ImmichLite.csproj; the default is sized "
        f"from the L3 cache, {l3} here); check that the binary was built with it, and what else allocates per asset (AssetRow, ExifRow, "
        "AssetResponseDto and their strings) or holds buffers (Kestrel, SQLite).")
if N == 100000:
    findings.append("History (same machine and data, 2026-11-27): before migration 008, buckets p50 66 ms (a scan of the table), web "
                    "buckets 75 ms, full sync 16.9 s (201 pages of ~80 ms, each reading and sorting all 100k rows); with 008's partial "
                    "indexes, buckets 6.7 ms (a scan of one index, at its floor) and full sync 1.64 s; with 009's counters, the figures above. "
                    "Full-sync memory: +92.6 MiB with the default gen0 budget (sized from the L3 cache), +39–49 MiB with DOTNET_GCgen0size=1 MiB; "
                    "the binary now embeds System.GC.Gen0MaxBudget = 4 MiB (the figures above). Delta sync: ~115 ms per 500-asset "
                    "page when it walked all of the owner's assets in id order, before SyncStore read each owner's changes from "
                    "(ownerId, updatedAt).")
if findings:
    lines += ["", "Findings:", ""] + ["- " + f for f in findings]
report = "\n".join(lines)
print("\n" + report + "\n")

if env.get("NO_DOC") != "1":
    begin, end = "<!-- bench-timeline -->", "<!-- /bench-timeline -->"
    text = open(DOC).read() if os.path.exists(DOC) else "# Performance\n"
    block = f"{begin}\n{report}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, "w") as f:
        f.write(text)
    log(f"bench-timeline: wrote the section of {os.path.relpath(DOC, root)}")
if KEEP:
    log(f"bench-timeline: kept {work}")
else:
    shutil.rmtree(work, ignore_errors=True)
PY
