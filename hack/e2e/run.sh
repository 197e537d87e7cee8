#!/usr/bin/env bash
# make e2e: two suites, each on its own cluster, each cluster torn down after it, also on failure or Ctrl-C.
#  1. control-plane: a control plane on 127.0.0.1 with Node objects but no kubelets; the webhook runs from
#     the build as a host process (test/e2e/*.e2e.ts, .mocharc.e2e.json). State in .e2e/state.
#  2. nodes: `make cluster-up`'s cluster (real kubelets, containerd, kube-proxy) with the webhook installed
#     from its image by its manifests; NiFi stand-ins really run (test/e2e/nodes, .mocharc.e2e-nodes.json).
#     State in .e2e/nodes.
#   E2E_SUITES=control-plane,nodes  which suites to run (default both, in this order)
#   E2E_KEEP_STATE=1  keep the state directories (logs, certificates) after a successful run as well
#   E2E_GREP=pattern  run only the matching specs (mocha --grep) in each suite
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/hack/e2e
. "$here/lib.sh"
cd "$root"
export NO_PROXY=127.0.0.1,localhost,10.244.0.1,10.0.0.1 no_proxy=127.0.0.1,localhost,10.244.0.1,10.0.0.1

suites=${E2E_SUITES:-control-plane,nodes}
has_suite() { [[ ,$suites, == *",$1,"* ]]; }
mocha_grep=()
[[ -n ${E2E_GREP:-} ]] && mocha_grep=(--grep "$E2E_GREP")
t0=$(date +%s)
state=   # the cluster the EXIT trap tears down
kind=

teardown() {
  local code=$?
  trap - EXIT INT TERM
  [[ -n $state ]] || exit "$code"
  if [[ $kind == nodes ]]; then
    if (( code != 0 )); then
      for f in "$state"/logs/*.log; do [[ -f $f ]] && { echo "----- last lines of $(basename "$f") -----" >&2; tail -n 25 "$f" >&2; }; done
    fi
    bash "$here/cluster-down.sh" "$state" --keep-logs || code=$(( code ? code : 1 ))
  else
    bash "$here/down.sh" "$state" || true
    if (( code != 0 )); then
      for f in "$state"/logs/*.log; do [[ -f $f ]] && { echo "----- last lines of $(basename "$f") -----" >&2; tail -n 25 "$f" >&2; }; done
    fi
  fi
  if (( code != 0 )); then
    e2e_log "FAILED (exit $code): logs in $state/logs"
  elif [[ -z ${E2E_KEEP_STATE:-} ]]; then
    rm -rf "$state"
  fi
  state=
  exit "$code"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

control_plane_suite() {
  bash "$here/install-deps.sh"
  local bin t1 t2
  bin=$(bash "$here/build-control-plane.sh" control-plane | tail -n 1)
  t1=$(date +%s)
  e2e_log "control-plane binaries ready in $((t1 - t0))s: $bin"
  state=$root/.e2e/state kind=control-plane
  if [[ -f $state/pids ]]; then bash "$here/down.sh" "$state" || true; fi   # a previous run killed hard
  rm -rf "$state"
  mkdir -p "$state"
  bash "$here/up.sh" "$state" "$bin"
  t2=$(date +%s)
  e2e_log "control plane started in $((t2 - t1))s"
  ( . "$state/env" && npx mocha --config .mocharc.e2e.json "${mocha_grep[@]}" )
  e2e_log "control-plane suite ran in $(( $(date +%s) - t2 ))s"
  bash "$here/down.sh" "$state"
  [[ -n ${E2E_KEEP_STATE:-} ]] || rm -rf "$state"
  state=
}

nodes_suite() {
  local t1 t2
  t1=$(date +%s)
  state=$root/.e2e/nodes kind=nodes
  bash "$here/cluster-up.sh" "$state" >/dev/null
  t2=$(date +%s)
  e2e_log "cluster with nodes up in $((t2 - t1))s"
  ( . "$state/env" && npx mocha --config .mocharc.e2e-nodes.json "${mocha_grep[@]}" )
  e2e_log "nodes suite ran in $(( $(date +%s) - t2 ))s"
  bash "$here/cluster-down.sh" "$state" $([[ -n ${E2E_KEEP_STATE:-} ]] && echo --keep-logs)
  state=
}

has_suite control-plane && control_plane_suite
has_suite nodes && nodes_suite
e2e_log "e2e done in $(( $(date +%s) - t0 ))s"
