#!/usr/bin/env bash
# Installs ImmichLite as a systemd service:
#   - the binary to /usr/local/bin/immichlite (replacing an older one atomically),
#   - the system user `immichlite` (useradd --system: no login shell, no password, home /var/lib/immichlite),
#     member of `video` and `render` for hardware video encoding,
#   - systemd/immichlite.service to /etc/systemd/system/, then enables and (re)starts it.
#
#   sudo scripts/install-systemd.sh [path/to/immichlite] [--no-start]
#
# Without a path it takes ./immichlite next to the unpacked tarball, or dist/<rid>/immichlite in the repository.
# Data lives in /var/lib/immichlite; logs: journalctl -u immichlite.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(dirname "$HERE")"
BIN=
START=1
for a in "$@"; do
  case "$a" in
    --no-start) START= ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) BIN="$a" ;;
  esac
done
die() { printf 'install-systemd.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo $0 $*)"
if [ -z "$BIN" ]; then
  case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64|arm64) rid=linux-arm64 ;; *) rid=unknown ;; esac
  for c in "$TOP/immichlite" "$TOP/dist/$rid/immichlite"; do [ -f "$c" ] && { BIN="$c"; break; }; done
  [ -n "$BIN" ] || die "no binary given and none found next to the script; pass its path"
fi
[ -f "$BIN" ] || die "$BIN not found"
[ "$(head -c 4 "$BIN" | od -An -c | tr -d ' ')" = '177ELF' ] || die "$BIN is not an ELF executable"
UNIT="$TOP/systemd/immichlite.service"
[ -f "$UNIT" ] || die "$UNIT not found"

# user and groups
for g in video render; do
  getent group "$g" >/dev/null || groupadd --system "$g"
done
if ! id immichlite >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/immichlite --no-create-home \
    --shell /usr/sbin/nologin --comment "ImmichLite photo server" immichlite
  echo "created system user immichlite"
fi
usermod -a -G video,render immichlite

# binary: copy beside, then rename over the old one (a running process keeps its old inode)
install -d -m 0755 /usr/local/bin
install -m 0755 -o root -g root "$BIN" /usr/local/bin/.immichlite.new
mv -f /usr/local/bin/.immichlite.new /usr/local/bin/immichlite
echo "installed /usr/local/bin/immichlite"

install -m 0644 -o root -g root "$UNIT" /etc/systemd/system/immichlite.service
echo "installed /etc/systemd/system/immichlite.service"

if [ ! -d /run/systemd/system ]; then
  echo "systemd is not running here; enable later with: systemctl enable --now immichlite"
  exit 0
fi
systemctl daemon-reload
systemctl enable immichlite.service >/dev/null
echo "enabled immichlite.service"
if [ -n "$START" ]; then
  systemctl restart immichlite.service
  systemctl --no-pager --lines=5 status immichlite.service || true
  port=$(systemctl show -p Environment immichlite.service | grep -o 'IMMICH_PORT=[0-9]*' | cut -d= -f2 || true)
  echo "ImmichLite listens on http://$(hostname):${port:-2283}/ (journalctl -u immichlite -f for logs)"
fi
