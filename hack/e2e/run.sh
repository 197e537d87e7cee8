#!/usr/bin/env bash
# make e2e: install what is missing, build (or reuse) the control plane, start it on 127.0.0.1, run the
# e2e specs against the webhook from the build, and tear everything down, also on failure or Ctrl-C.
#   E2E_KEEP_STATE=1  keep .e2e/state (logs, certificates) after a successful run as well
#   E2E_GREP=pattern  run only the matching specs (mocha --grep)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/hack/e2e
. "$here/lib.sh"
cd "$root"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

t0=$(date +%s)
bash "$here/install-deps.sh"
bin=$(bash "$here/build-control-plane.sh" | tail -n 1)
t1=$(date +%s)
e2e_log "control-plane binaries ready in $((t1 - t0))s: $bin"

state=$root/.e2e/state
if [[ -f $state/pids ]]; then bash "$here/down.sh" "$state" || true; fi   # a previous run killed hard
rm -rf "$state"
mkdir -p "$state"

teardown() {
  local code=$?
  trap - EXIT INT TERM
  bash "$here/down.sh" "$state" || true
  if (( code != 0 )); then
    e2e_log "FAILED (exit $code): logs in $state/logs"
    for f in "$state"/logs/*.log; do
      [[ -f $f ]] || continue
      echo "----- last lines of $(basename "$f") -----" >&2
      tail -n 25 "$f" >&2
    done
  elif [[ -z ${E2E_KEEP_STATE:-} ]]; then
    rm -rf "$state"
  fi
  exit "$code"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$here/up.sh" "$state" "$bin"
. "$state/env"
t2=$(date +%s)
e2e_log "control plane started in $((t2 - t1))s"

mocha_args=(--config .mocharc.e2e.json)
[[ -n ${E2E_GREP:-} ]] && mocha_args+=(--grep "$E2E_GREP")
npx mocha "${mocha_args[@]}"
e2e_log "suite ran in $(( $(date +%s) - t2 ))s (total $(( $(date +%s) - t0 ))s)"
