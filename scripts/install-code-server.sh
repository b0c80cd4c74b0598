#!/usr/bin/env bash
# Install code-server (a real VS Code server with a Node extension host) and the
# Debian packages the VS Code test harness needs, OUTSIDE the project's
# node_modules so it never touches package-lock.json.
#
#   bash scripts/install-code-server.sh          # install (idempotent; 2nd run is instant)
#   LVS_CODE_SERVER_DIR=/some/dir bash scripts/install-code-server.sh
#
# Prints the code-server entry point on its last line.
#
# Why these steps:
# - code-server 4.100.3 (VS Code 1.100.3) is the last npm release whose engines
#   field accepts Node 20; pinned exactly.
# - its postinstall runs `npm install` in lib/vscode, which builds native modules
#   (kerberos needs libkrb5-dev) and runs @vscode/ripgrep's postinstall, which
#   would download rg from GitHub. This machine has no route there, so we
#   pre-seed @vscode/ripgrep's download cache
#   ($TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<rg tag>-<target>.tar.gz,
#   a tarball with `rg` at its top level) with Debian's /usr/bin/rg.
# - chromium is Debian's; playwright-core drives it (never a browser download).
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
DIR="${LVS_CODE_SERVER_DIR:-/opt/vscode-lvs/code-server-${CODE_SERVER_VERSION}}"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
MARKER="$DIR/.install-ok-${CODE_SERVER_VERSION}"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- apt packages
need_apt=()
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# libkrb5-dev: code-server's kerberos module builds against it. Fonts: readable screenshots.
for p in libkrb5-dev fonts-liberation fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$p")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_apt[*]} (run as root or: sudo apt-get install ${need_apt[*]})"
    exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# ---------------------------------------------------------------- code-server
if [ -f "$MARKER" ] && [ -f "$ENTRY" ]; then
  log "code-server ${CODE_SERVER_VERSION} already installed in $DIR"
  echo "$ENTRY"
  exit 0
fi

start=$(date +%s)
mkdir -p "$DIR"
# A private TMPDIR: holds the ripgrep cache we seed and npm's temp files.
work_tmp="$DIR/.tmp"
rm -rf "$work_tmp"
mkdir -p "$work_tmp"
export TMPDIR="$work_tmp"

case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) log "unsupported architecture $(uname -m)"; exit 1 ;;
esac
rg_stage="$work_tmp/rg-stage"
mkdir -p "$rg_stage"
cp "$(command -v rg)" "$rg_stage/rg"
chmod 755 "$rg_stage/rg"
# Seed the cache for the @vscode/ripgrep versions VS Code 1.100 and its built-in
# extensions may pull in (the cache dir is keyed by that package's version; the
# asset by the ripgrep release tag it downloads).
for pkgver in 1.15.9 1.15.10 1.15.11 1.15.12 1.15.13 1.15.14; do
  for tag in v13.0.0-10 v13.0.0-13 v13.0.0-4; do
    d="$work_tmp/vscode-ripgrep-cache-$pkgver"
    mkdir -p "$d"
    tar -C "$rg_stage" -czf "$d/ripgrep-$tag-$rg_target.tar.gz" rg
  done
done

log "npm install code-server@${CODE_SERVER_VERSION} into $DIR (takes ~1.5 min)"
[ -f "$DIR/package.json" ] || echo '{"name":"vscode-lvs-code-server","private":true}' > "$DIR/package.json"
export npm_config_unsafe_perm=true npm_config_yes=true
# Never let a sub-install fetch a browser or other binaries from elsewhere.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1
if ! npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error \
      "code-server@${CODE_SERVER_VERSION}" >"$DIR/install.log" 2>&1; then
  tail -40 "$DIR/install.log" >&2
  log "npm install failed; full log: $DIR/install.log"
  exit 1
fi

# Sanity checks: the entry point and a working ripgrep inside VS Code.
[ -f "$ENTRY" ] || { log "missing $ENTRY after install"; exit 1; }
rg_bin="$(find "$DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin" -name rg -type f 2>/dev/null | head -1)"
if [ -z "$rg_bin" ] || ! "$rg_bin" --version >/dev/null 2>&1; then
  log "warning: VS Code's bundled ripgrep is missing or broken (search in files will not work)"
fi
rm -rf "$work_tmp"
echo "$CODE_SERVER_VERSION" > "$MARKER"
log "installed in $(( $(date +%s) - start )) s"
echo "$ENTRY"
