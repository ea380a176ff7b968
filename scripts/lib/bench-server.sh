# Sourced by the benchmarks: start the published binary on a fresh data folder, let the first start do its
# one-time geodata import (its peak RSS is kept in $import_hwm), then restart it so the measurement is of a
# normal start. Needs $bin, $port and $work; sets $pid and $token.
start_server() {
  "$bin" --host 127.0.0.1 --port "$port" --data "$work/data" --log-level warn --admin-email b@b.co --admin-password benchpass >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/api/server/ping" >/dev/null && break; sleep 0.1; done
  token=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' -d '{"email":"b@b.co","password":"benchpass"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
}

start_server_after_import() {
  start_server
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$port/api/system-metadata/reverse-geocoding-state" -H "x-immich-user-token: $token" | grep -q '"lastUpdate":"' && break
    sleep 0.1
  done
  import_hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_server
}
