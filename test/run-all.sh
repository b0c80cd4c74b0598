#!/usr/bin/env bash
# The whole test suite, tier by tier, as `npm test` runs it:
#   unit    the pure core with fixtures and property tests              (no privileges)
#   netns   real OpenSSH sshd hosts in network namespaces              (root)
#   lab     real kernel IPVS in the QEMU lab (shared, reset per test)    (root, qemu)
#   vscode  extension-host and UI suites in a real VS Code (code-server + Chromium)
# Every tier runs even if an earlier one failed; the last line is the total: `N passed, N failed`.
# Select tiers with LVS_TEST_TIERS="unit netns" (default: all). LVS_TEST_SKIP_BUILD=1 skips the build.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
results="$root/.test-results"
mkdir -p "$results"
tiers=${LVS_TEST_TIERS:-"unit netns lab vscode"}
total_pass=0
total_fail=0
failed_tiers=()

if [ "${LVS_TEST_SKIP_BUILD:-}" != 1 ]; then
  echo "== build"
  rm -rf out
  npm run --silent build || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
fi

have_tier() { case " $tiers " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# Runs node's test runner over a tier's files; spec output on the terminal, TAP into a file for the counts.
node_tier() {
  local name=$1 concurrency=$2; shift 2
  local files=()
  for pattern in "$@"; do
    while IFS= read -r f; do files+=("$f"); done < <(find out/test -path "out/test/$pattern" -name '*.test.js' 2>/dev/null | sort)
  done
  if [ ${#files[@]} -eq 0 ]; then echo "== $name: no test files"; return 0; fi
  echo "== $name (${#files[@]} files)"
  node --test --test-concurrency="$concurrency" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" \
    "${files[@]}"
  local rc=$?
  local pass fail
  pass=$(grep -E '^# pass ' "$results/$name.tap" | tail -1 | awk '{print $3}')
  fail=$(grep -E '^# fail ' "$results/$name.tap" | tail -1 | awk '{print $3}')
  pass=${pass:-0}; fail=${fail:-0}
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  echo "$name: $pass passed, $fail failed"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  [ "$fail" -eq 0 ] || failed_tiers+=("$name")
}

# Root-only tiers are skipped outside CI when not root; in CI a missing prerequisite is a failure.
privileged_ok() {
  if [ "$(id -u)" -eq 0 ]; then return 0; fi
  if [ "${CI:-}" = true ]; then echo "== $1: needs root"; total_fail=$((total_fail + 1)); failed_tiers+=("$1"); return 1; fi
  echo "== $1: skipped (needs root; run as root or in CI)"; return 1
}

have_tier unit && node_tier unit 2 'unit/*'

if have_tier netns && privileged_ok netns; then
  node_tier netns 1 'netns/*'
fi

lab_started=0
# The lab is started once for the tiers that use it (lab; vscode tests the statistics panel against it),
# and stopped at the end, whatever happens.
trap '[ "$lab_started" -eq 1 ] && bash lab/lab.sh down >/dev/null 2>&1' EXIT
lab_up() {
  bash lab/lab.sh status >/dev/null 2>&1 && return 0
  echo "== lab: starting the local LVS lab"
  if bash lab/lab.sh up; then lab_started=1; return 0; fi
  echo "lab: could not start"; total_fail=$((total_fail + 1)); failed_tiers+=("lab-up"); return 1
}

if have_tier lab && privileged_ok lab; then
  lab_up && node_tier lab 1 'lab/*'
fi

if have_tier vscode; then
  # Root machines (CI) run the statistics panel's UI test against the lab.
  [ "$(id -u)" -eq 0 ] && [ "${LVS_LAB_SKIP:-}" = "" ] && lab_up
  if [ -f out/test/vscode/run.js ]; then
    echo "== vscode (code-server + Chromium)"
    node out/test/vscode/run.js 2>&1 | tee "$results/vscode.log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$results/vscode.log" | tail -1)
    pass=$(echo "$line" | awk '{print $1}'); fail=$(echo "$line" | awk '{print $3}')
    pass=${pass:-0}; fail=${fail:-0}
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
    total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
    [ "$fail" -eq 0 ] || failed_tiers+=("vscode")
  else
    echo "== vscode: out/test/vscode/run.js missing"; total_fail=$((total_fail + 1)); failed_tiers+=("vscode")
  fi
fi

if [ "$lab_started" -eq 1 ]; then bash lab/lab.sh down >/dev/null 2>&1; lab_started=0; fi
[ ${#failed_tiers[@]} -eq 0 ] || echo "failed tiers: ${failed_tiers[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
