#!/usr/bin/env bash
# Starts a Kubernetes 1.20 control plane on 127.0.0.1 only: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler. No kubelets, no container engine. Every port is a free loopback port.
#
#   hack/e2e/up.sh STATE_DIR BIN_DIR
#
# Writes STATE_DIR/env (shell exports: E2E_KUBECONFIG, E2E_KUBECTL, ports), STATE_DIR/kubeconfig,
# STATE_DIR/pids (every process started; hack/e2e/down.sh STATE_DIR stops them) and STATE_DIR/logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

state=${1:?usage: up.sh STATE_DIR BIN_DIR}
bin=${2:?usage: up.sh STATE_DIR BIN_DIR}
mkdir -p "$state/logs" "$state/pki" "$state/etcd"
state=$(cd "$state" && pwd)
: >"$state/pids"
pki=$state/pki

for b in kube-apiserver kube-scheduler kube-controller-manager kubectl; do
  [[ -x $bin/$b ]] || { e2e_log "missing $bin/$b (run hack/e2e/build-control-plane.sh)"; exit 1; }
done
command -v etcd >/dev/null || { e2e_log "etcd not found (run hack/e2e/install-deps.sh)"; exit 1; }

# --- certificates and credentials -------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 2 -subj "/CN=nifi-ca-guard-e2e-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -sha256 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$pki/apiserver.ext"
openssl x509 -req -sha256 -days 2 -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s,e2e-admin,e2e-admin,"system:masters"\n' "$token" >"$pki/tokens.csv"
chmod 600 "$pki"/*.key "$pki/tokens.csv"

mapfile -t ports < <(free_ports 6)
etcd_port=${ports[0]} etcd_peer_port=${ports[1]} api_port=${ports[2]} cm_port=${ports[3]} sched_port=${ports[4]} webhook_port=${ports[5]}

kubeconfig=$state/kubeconfig
cat >"$kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $pki/ca.crt
users:
- name: e2e-admin
  user:
    token: $token
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e-admin}
current-context: e2e
KC
chmod 600 "$kubeconfig"
kubectl="$bin/kubectl --kubeconfig=$kubeconfig"

# --- etcd -----------------------------------------------------------------------------------------
start_bg "$state" etcd etcd --name e2e --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "e2e=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync
wait_until 30 "etcd health" curl -fsS "http://127.0.0.1:$etcd_port/health"

# --- kube-apiserver -------------------------------------------------------------------------------
start_bg "$state" kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" --insecure-port=0 \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --cert-dir="$state/apiserver-certs" \
  --client-ca-file="$pki/ca.crt" \
  --token-auth-file="$pki/tokens.csv" --authorization-mode=RBAC \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range=10.0.0.0/24 --endpoint-reconciler-type=none \
  --profiling=false
wait_until 90 "kube-apiserver /readyz" $kubectl get --raw /readyz

# --- kube-controller-manager ----------------------------------------------------------------------
# nodelifecycle is off: the nodes have no kubelet heartbeats, and that controller would taint them
# unreachable and evict their pods. Node loss is simulated by the suite itself (delete/cordon).
start_bg "$state" kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig="$kubeconfig" --bind-address=127.0.0.1 --secure-port="$cm_port" --port=0 \
  --cert-dir="$state/controller-manager-certs" --leader-elect=false \
  --controllers='*,-nodelifecycle' \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --profiling=false
wait_until 60 "kube-controller-manager /healthz" curl -fsSk "https://127.0.0.1:$cm_port/healthz"

# --- kube-scheduler -------------------------------------------------------------------------------
start_bg "$state" kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig="$kubeconfig" --bind-address=127.0.0.1 --secure-port="$sched_port" --port=0 \
  --cert-dir="$state/scheduler-certs" --leader-elect=false --profiling=false
wait_until 60 "kube-scheduler /healthz" curl -fsSk "https://127.0.0.1:$sched_port/healthz"

# The ServiceAccount admission plugin needs each namespace's default ServiceAccount: wait for the
# controller-manager to have created it (this also proves the controllers run).
wait_until 60 "default ServiceAccount" $kubectl -n default get serviceaccount default

cat >"$state/env" <<ENV
export E2E_STATE_DIR='$state'
export E2E_KUBECONFIG='$kubeconfig'
export E2E_KUBECTL='$bin/kubectl'
export E2E_APISERVER_PORT='$api_port'
export E2E_WEBHOOK_PORT='$webhook_port'
ENV
e2e_log "control plane up: https://127.0.0.1:$api_port (state in $state)"
