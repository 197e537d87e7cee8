#!/usr/bin/env bash
# Installs nifi-ca-guard into the cluster of STATE_DIR as a user on Kubernetes 1.20 would:
# manifests/overlays/kubernetes-1.20 rendered by kustomize (kubectl 1.30's, from .tools/bin: the base's
# image transformer config needs kustomize v4+) and applied with the cluster's own kubectl 1.20. Then waits
# for the Deployment to roll out and for the API server to call the webhook through its Service (a
# server-side dry run of a NiFi pod comes back mutated).
#   hack/e2e/install-webhook.sh STATE_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/hack/e2e/lib.sh"
state=$(cd "${1:?usage: install-webhook.sh STATE_DIR}" && pwd)
. "$state/env"
kubectl="$E2E_KUBECTL --kubeconfig=$E2E_KUBECONFIG"
kustomize=$root/.tools/bin/kubectl
[[ -x $kustomize ]] || { e2e_log "missing $kustomize (make helm installs it)"; exit 1; }

t0=$(date +%s)
"$kustomize" kustomize "$root/manifests/overlays/kubernetes-1.20" 2>/dev/null >"$state/install.yaml"
# The CRD first: the policy objects of the same file need it established.
$kubectl apply -f "$state/install.yaml" >"$state/logs/install.log" 2>&1 || {
  $kubectl wait --for=condition=Established crd/nifitrustpolicies.nifi-ca-guard.io --timeout=60s >/dev/null
  $kubectl apply -f "$state/install.yaml" >>"$state/logs/install.log" 2>&1
} || { cat "$state/logs/install.log" >&2; exit 1; }
$kubectl -n nifi-ca-guard rollout status deployment/nifi-ca-guard --timeout=180s >&2
$kubectl create namespace ncg-install-probe --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
probe() {
  $kubectl -n ncg-install-probe create --dry-run=server -o jsonpath='{.metadata.annotations.nifi-ca-guard\.io/role}' \
    -f "$root/test/e2e/fixtures/nifi-pod.yaml" 2>/dev/null | grep -qx nifi
}
wait_until 120 "the API server to call the webhook through its Service" probe
$kubectl delete namespace ncg-install-probe --wait=false >/dev/null
e2e_log "nifi-ca-guard installed and answering in $(( $(date +%s) - t0 ))s"
