#!/usr/bin/env bash
# Builds ImmichLite as ONE self-contained file per runtime: a Native-AOT executable with every native library
# of the publish output (*.so: libe_sqlite3, later libSkiaSharp, libonnxruntime, vec0) appended as a
# compressed payload that the binary unpacks once into ~/.cache/immichlite/native/<hash>/ (see
# src/ImmichLite/Infrastructure/NativePayload.cs).
#
#   ./publish.sh [linux-x64|linux-arm64 ...]     (default: this machine's runtime)
#
# Writes dist/<rid>/immichlite and dist/immichlite-<version>-<rid>.tar.gz.
# Environment: PAYLOAD_QUALITY (Brotli 0-11, default 9; 11 is ~10% smaller and ~10x slower to build),
#              KEEP_WORK=1 keeps the temporary publish folders.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
PROJECT=src/ImmichLite/ImmichLite.csproj
QUALITY="${PAYLOAD_QUALITY:-9}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'publish.sh: %s\n' "$*" >&2; exit 1; }
size() { local b; b=$(stat -c %s "$1"); printf '%s (%s bytes)' "$(numfmt --to=iec-i --suffix=B --format=%.1f "$b")" "$b"; }

case "$(uname -m)" in
  x86_64) HOST_RID=linux-x64 ;;
  aarch64|arm64) HOST_RID=linux-arm64 ;;
  *) die "unsupported build machine $(uname -m)" ;;
esac
RIDS=("$@")
[ ${#RIDS[@]} -gt 0 ] || RIDS=("$HOST_RID")
for rid in "${RIDS[@]}"; do
  case "$rid" in linux-x64|linux-arm64) ;; *) die "unknown runtime '$rid' (use linux-x64 or linux-arm64)" ;; esac
done

command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"

# ---- toolchain: clang links (and cross-links) the AOT output; a gcc cross package brings the target's sysroot
APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null || die "missing $*; install it with your package manager"
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing $* (apt)"
  if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
need=()
command -v clang >/dev/null || need+=(clang)
for rid in "${RIDS[@]}"; do
  [ "$rid" = "$HOST_RID" ] && continue
  case "$rid" in
    linux-arm64) [ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ] || need+=(gcc-aarch64-linux-gnu) ;;
    linux-x64)   [ -e /usr/x86_64-linux-gnu/lib/libc.so.6 ] || need+=(gcc-x86-64-linux-gnu) ;;
  esac
done
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

VERSION=$(sed -n 's/.*Major = \([0-9]*\), Minor = \([0-9]*\), Patch = \([0-9]*\).*/\1.\2.\3/p' src/ImmichLite/Server/ServerInfo.cs | head -1)
[ -n "$VERSION" ] || die "cannot read the version from src/ImmichLite/Server/ServerInfo.cs"

# Publish outside the project folder: the Web SDK would pick up a publish folder's *.json as content next time.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/immichlite-publish.XXXXXX")
cleanup() { if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi; }
trap cleanup EXIT

# Geodata (offline reverse geocoding) is embedded in the binary at build time.
bash scripts/fetch-geodata.sh
# sqlite-vec (vec0.so, smart search's vector store) is copied into the publish output and bundled below.
bash scripts/fetch-sqlite-vec.sh

# The payload writer is the server's own code (NativePayload.cs), run as a JIT build on this machine so that
# cross-compiled binaries, which cannot run here, get the same treatment.
log "building the payload tool (JIT build of the server for this machine)"
dotnet build "$PROJECT" -c Release -o "$WORK/tool" -nologo -v quiet -clp:ErrorsOnly >/dev/null \
  || { dotnet build "$PROJECT" -c Release -o "$WORK/tool" -nologo -v quiet -clp:ErrorsOnly; die "tool build failed"; }
tool() { dotnet "$WORK/tool/immichlite.dll" "$@"; }

mkdir -p dist
SUMMARY=()
for rid in "${RIDS[@]}"; do
  out="$WORK/$rid"
  log "dotnet publish -r $rid (Native AOT; 1-2 minutes)"
  start=$(date +%s)
  dotnet publish "$PROJECT" -c Release -r "$rid" -o "$out" -nologo -p:CppCompilerAndLinker=clang
  log "published $rid in $(( $(date +%s) - start )) s"
  [ -x "$out/immichlite" ] || die "no $out/immichlite after publish"

  # everything besides the binary, its symbols and the .so files would be lost in a single file: say so
  extra=$(find "$out" -mindepth 1 \( -type f -o -type l \) ! -name immichlite ! -name '*.dbg' ! -name '*.so' -printf '%P\n' | sort)
  # the Web SDK's static-web-assets manifest is harmless while it lists no endpoints (the server has no wwwroot)
  extra=$(for f in $extra; do
    case "$f" in *.staticwebassets.endpoints.json) grep -q '"Endpoints":\[\]' "$out/$f" && continue ;; esac
    echo "$f"
  done)
  [ -z "$extra" ] || printf 'publish.sh: WARNING: not part of the single file (and not shipped): %s\n' "$(echo $extra)" >&2
  mapfile -t libs < <(find "$out" -maxdepth 1 -name '*.so' -printf '%f\n' | sort)
  deep=$(find "$out" -mindepth 2 -name '*.so' -printf '%P ')
  [ -z "$deep" ] || die ".so files in subfolders are not handled: $deep"

  mkdir -p "dist/$rid"
  final="dist/$rid/immichlite"
  cp "$out/immichlite" "$final.new"
  aot_size=$(stat -c %s "$final.new")
  if [ ${#libs[@]} -gt 0 ]; then
    tool --append-native-payload "$final.new" "$out" --quality "$QUALITY"
    # prove the payload unpacks to the very same bytes before shipping it
    tool --extract-native-payload "$final.new" "$WORK/check-$rid" >/dev/null
    for f in "${libs[@]}"; do cmp -s "$out/$f" "$WORK/check-$rid/$f" || die "payload check failed for $f"; done
  else
    echo "no native libraries in the publish output; the binary ships as is"
  fi
  chmod 755 "$final.new"
  mv -f "$final.new" "$final"

  machine=$(readelf -h "$final" | sed -n 's/.*Machine: *//p')
  glibc=$( { readelf -V -W "$final"; for f in "${libs[@]}"; do readelf -V -W "$out/$f"; done; } 2>/dev/null \
           | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1)

  # tarball: the single file, the README and the systemd unit (+ its installer)
  stage="$WORK/stage-$rid/immichlite-$VERSION-$rid"
  mkdir -p "$stage/systemd" "$stage/scripts"
  cp "$final" "$stage/immichlite"
  if [ -f README.md ]; then cp README.md "$stage/"; else echo "publish.sh: WARNING: README.md missing; the tarball has none" >&2; fi
  cp systemd/immichlite.service "$stage/systemd/"
  cp scripts/install-systemd.sh "$stage/scripts/"
  tarball="dist/immichlite-$VERSION-$rid.tar.gz"
  tar -C "$WORK/stage-$rid" --owner=0 --group=0 --numeric-owner -cf - "immichlite-$VERSION-$rid" | gzip -9 > "$tarball.new"
  mv -f "$tarball.new" "$tarball"

  libs_bytes=0; for f in "${libs[@]}"; do libs_bytes=$(( libs_bytes + $(stat -c %s "$out/$f") )); done
  SUMMARY+=("$rid ($machine, needs $glibc or newer)"
    "  AOT executable:        $(numfmt --to=iec-i --suffix=B --format=%.1f "$aot_size") ($aot_size bytes)"
    "  native libraries:      ${#libs[@]} (${libs[*]:-none}), $(numfmt --to=iec-i --suffix=B --format=%.1f $libs_bytes) ($libs_bytes bytes) uncompressed"
    "  single file:           $final  $(size "$final")"
    "  tarball:               $tarball  $(size "$tarball")")
done

log "done (version $VERSION)"
printf '%s\n' "${SUMMARY[@]}"
