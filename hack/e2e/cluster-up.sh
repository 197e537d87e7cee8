#!/usr/bin/env bash
# `make cluster-up`: a Kubernetes 1.20 cluster on this machine with real nodes, and nifi-ca-guard installed
# in it as users install it. Left running; `make cluster-down` removes it.
#
#   hack/e2e/cluster-up.sh STATE_DIR [--no-webhook]
#
# 1. Debian packages (install-deps.sh nodes); Kubernetes binaries built once per machine and cached.
# 2. network.sh: bridge ncg0 (10.244.0.1/16), IP forwarding.
# 3. up.sh: etcd, kube-apiserver (on 10.244.0.1, Node authorizer), controller-manager, scheduler.
# 4. nodes.sh: E2E_NODE_COUNT nodes (default 3), each containerd + kubelet, and kube-proxy; the project's
#    image (make image) and the stand-in images (make standins) imported into every node.
# 5. the webhook: manifests/overlays/kubernetes-1.20 (the base plus what 1.20 lacks), applied with
#    kubectl 1.20; it runs from the image, self-managed TLS, reached by the API server through its Service.
# Writes STATE_DIR/env (source it: E2E_KUBECONFIG, E2E_KUBECTL, ...). On failure, tears everything down.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/hack/e2e
. "$here/lib.sh"
cd "$root"
state=${1:?usage: cluster-up.sh STATE_DIR [--no-webhook]}
install_webhook=1
[[ ${2:-} == --no-webhook ]] && install_webhook=0
export NO_PROXY=127.0.0.1,localhost,10.244.0.1,10.0.0.1 no_proxy=127.0.0.1,localhost,10.244.0.1,10.0.0.1

count=${E2E_NODE_COUNT:-3}
nodes=()
for i in $(seq 1 "$count"); do nodes+=("ncg-node-$i"); done
version=$(node -p 'require("./package.json").version')
# E2E_IMAGE_TARS (space-separated archives) replaces the default list, e.g. to try a cluster without stand-ins.
read -r -a images <<<"${E2E_IMAGE_TARS:-$root/.build/image/nifi-ca-guard-$version.tar $root/.build/image/nifi-standins.tar}"
for tar in "${images[@]}"; do
  [[ -s $tar ]] || { e2e_log "missing $tar: run make image standins (make cluster-up does)"; exit 1; }
done

t0=$(date +%s)
bash "$here/install-deps.sh" nodes >&2
bin=$(bash "$here/build-control-plane.sh" control-plane | tail -n 1)
nbin=$(bash "$here/build-control-plane.sh" node | tail -n 1)
t1=$(date +%s)
e2e_log "Kubernetes binaries ready in $((t1 - t0))s"

if [[ -f $state/pids ]]; then bash "$here/cluster-down.sh" "$state" || true; fi
rm -rf "$state"
mkdir -p "$state/logs"
state=$(cd "$state" && pwd)

failed() {
  local code=$?
  trap - EXIT
  if (( code != 0 )); then
    e2e_log "cluster-up FAILED (exit $code); last log lines:"
    for f in "$state"/logs/*.log; do [[ -f $f ]] && { echo "----- $(basename "$f")" >&2; tail -n 15 "$f" >&2; }; done
    bash "$here/cluster-down.sh" "$state" --keep-logs || true
  fi
  exit "$code"
}
trap failed EXIT

bash "$here/network.sh" up "$state"
. "$state/network.env"
E2E_HOST_IP=$E2E_HOST_IP E2E_NODES="${nodes[*]}" bash "$here/up.sh" "$state" "$bin"
echo "export E2E_NODES='${nodes[*]}'" >>"$state/env"
cat "$state/network.env" >>"$state/env"
. "$state/env"
t2=$(date +%s)
E2E_NODES="${nodes[*]}" bash "$here/nodes.sh" "$state" "$nbin" "${images[@]}"
t3=$(date +%s)
e2e_log "control plane in $((t2 - t1))s, ${#nodes[@]} nodes Ready in $((t3 - t2))s"

if (( install_webhook )); then
  bash "$here/install-webhook.sh" "$state"
fi
trap - EXIT
e2e_log "cluster up in $(( $(date +%s) - t0 ))s"
cat >&2 <<MSG

  The cluster is running. Try:
    export KUBECONFIG=$E2E_KUBECONFIG
    alias kubectl=$E2E_KUBECTL
    kubectl get nodes
    kubectl get pods -A
  Remove it with: make cluster-down
MSG
echo "$E2E_KUBECONFIG"
