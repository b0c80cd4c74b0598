#!/usr/bin/env bash
# Installs everything the product and its tests need on a fresh Debian machine (run as root; idempotent):
# Debian packages (OpenSSH, iproute2, QEMU + debootstrap for the lab, Chromium for UI tests), the npm
# packages of package-lock.json, and code-server (a real VS Code server) outside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (apt-get install, network namespaces and the QEMU lab need it)" >&2
  exit 1
fi

pkgs=(openssh-server openssh-client iproute2 socat procps sudo)
for list in lab/apt-packages.txt scripts/apt-packages.txt; do
  [ -f "$list" ] && mapfile -t -O "${#pkgs[@]}" pkgs < <(grep -vE '^\s*(#|$)' "$list")
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

if [ -f scripts/install-code-server.sh ]; then
  bash scripts/install-code-server.sh
fi
echo "== setup done"
