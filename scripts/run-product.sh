#!/usr/bin/env bash
# Run the product: build the extension, bring up the local LVS lab, and open VS Code (code-server, in your
# browser) with the extension loaded and the lab's cluster file open.
#
#   bash scripts/run-product.sh            # then open the printed URL; Ctrl-C stops code-server
#   PORT=9000 bash scripts/run-product.sh  # another port (default 8080); always bound to 127.0.0.1
#   LVS_NO_LAB=1 bash scripts/run-product.sh    # no lab: opens the repository instead
#   LVS_SKIP_BUILD=1 bash scripts/run-product.sh  # use the existing dist/
#   LVS_WORKSPACE_TRUST=1 bash scripts/run-product.sh  # keep VS Code's workspace-trust prompt (default: the
#                                                      # folder is trusted, so plan/apply/statistics work at once)
#
# The extension is installed into a fresh extensions folder as a link to this repository
# (<publisher>.<name>-<version> -> repo), so "Developer: Reload Window" picks up a rebuilt dist/.
# User settings persist in $LVS_PRODUCT_STATE (default ~/.cache/vscode-lvs/run-product).
# Ctrl-C stops code-server and leaves the lab running (stop it with: npm run lab -- down).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
port=${PORT:-8080}
state=${LVS_PRODUCT_STATE:-${HOME:-/root}/.cache/vscode-lvs/run-product}
say() { printf '[run-product] %s\n' "$*" >&2; }

# 1. code-server (installed outside node_modules; instant when already there)
entry=$(bash scripts/install-code-server.sh | tail -1)

# 2. build
if [ "${LVS_SKIP_BUILD:-}" = 1 ]; then
  say "LVS_SKIP_BUILD=1: using the existing dist/"
else
  say "building the extension (npm run build)"
  npm run --silent build
fi
[ -f dist/extension.js ] || { say "dist/extension.js is missing after the build"; exit 1; }

# 3. the lab
lab_started=0
if [ "${LVS_NO_LAB:-}" = 1 ]; then
  say "LVS_NO_LAB=1: not starting the lab; opening the repository instead of lab/out"
else
  say "bringing up the local lab (npm run lab -- up); set LVS_NO_LAB=1 to skip it"
  if ! npm run --silent lab -- up; then
    say "the lab did not come up (see above). Fix it, or run without it: LVS_NO_LAB=1 bash scripts/run-product.sh"
    exit 1
  fi
  lab_started=1
fi
if [ "$lab_started" = 1 ] && [ -f lab/out/lvs.yaml ]; then
  folder=$repo/lab/out
  open_file=$repo/lab/out/lvs.yaml
else
  [ "$lab_started" = 1 ] && say "lab/out/lvs.yaml not found; opening the repository"
  folder=$repo
  open_file=""
fi

# 4. code-server with the extension installed as a link
mkdir -p "$state/user-data/User" "$state/home" "$state/config" "$state/data" "$state/tmp"
ext_dir=$state/extensions
rm -rf "$ext_dir"
mkdir -p "$ext_dir"
ext_folder=$(node -e 'const p=require(process.argv[1]); console.log(`${p.publisher}.${p.name}-${p.version}`)' "$repo/package.json")
ln -s "$repo" "$ext_dir/$ext_folder"
settings=$state/user-data/User/settings.json
[ -f "$settings" ] || cat > "$settings" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  say "port $port on 127.0.0.1 is in use; choose another with PORT=..."
  exit 1
fi

trust_flag=--disable-workspace-trust
[ "${LVS_WORKSPACE_TRUST:-}" = 1 ] && trust_flag=
log=$state/code-server.log
say "starting code-server on 127.0.0.1:$port (log: $log)"
env -u PASSWORD -u HASHED_PASSWORD -u PORT \
  HOME="$state/home" XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" TMPDIR="$state/tmp" \
  EXTENSIONS_GALLERY='{}' \
  setsid node "$entry" \
    --bind-addr "127.0.0.1:$port" --auth none \
    --disable-telemetry --disable-update-check $trust_flag \
    --user-data-dir "$state/user-data" --extensions-dir "$ext_dir" \
    "$folder" >"$log" 2>&1 &
cs_pid=$!

stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  if kill -0 "$cs_pid" 2>/dev/null; then
    say "stopping code-server"
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$cs_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
  fi
  if [ "$lab_started" = 1 ]; then
    say "the lab is still running; stop it with: npm run lab -- down"
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

for _ in $(seq 600); do
  if ! kill -0 "$cs_pid" 2>/dev/null; then
    say "code-server exited; its log:"; cat "$log" >&2; exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && node -e '
    require("http").get(process.argv[1], r => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' \
    "http://127.0.0.1:$port/healthz"; then
    break
  fi
  sleep 0.1
done

url=$(node -e '
  const [port, folder, file] = process.argv.slice(1);
  const q = new URLSearchParams({ folder });
  const enc = (p) => p.split("/").map(encodeURIComponent).join("/");
  if (file) q.set("payload", JSON.stringify([["openFile", `vscode-remote://127.0.0.1:${port}${enc(file)}`]]));
  console.log(`http://127.0.0.1:${port}/?${q}`);' "$port" "$folder" "$open_file")
echo
echo "LVS Cluster Manager is running in VS Code (code-server) at:"
echo "  $url"
echo "(plain http://127.0.0.1:$port/ opens the same folder). Ctrl-C to stop."
wait "$cs_pid"
