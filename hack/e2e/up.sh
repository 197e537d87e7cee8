#!/usr/bin/env bash
# Starts a Kubernetes 1.20 control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler.
# By itself no kubelets and no container engine (hack/e2e/nodes.sh adds them). Every port is a free port.
#
#   hack/e2e/up.sh STATE_DIR BIN_DIR
#
#   E2E_HOST_IP  the address kube-apiserver binds to and advertises (default 127.0.0.1). hack/e2e/cluster-up.sh
#                sets the node bridge's address: pods reach the API server there (through the `kubernetes`
#                Service's ClusterIP and kube-proxy), and the API server reaches the kubelets there.
#   E2E_NODES    node names (space-separated) to give kubelet credentials: a token as system:node:<name>
#                (the Node authorizer and NodeRestriction apply) and one as system:kube-proxy.
#
# Writes STATE_DIR/env (shell exports: E2E_KUBECONFIG, E2E_KUBECTL, ports), STATE_DIR/kubeconfig,
# STATE_DIR/pids (every process started; hack/e2e/down.sh STATE_DIR stops them) and STATE_DIR/logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

state=${1:?usage: up.sh STATE_DIR BIN_DIR}
bin=${2:?usage: up.sh STATE_DIR BIN_DIR}
host_ip=${E2E_HOST_IP:-127.0.0.1}
read -r -a nodes <<<"${E2E_NODES:-}"
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
# 10.0.0.1: the `kubernetes` Service's ClusterIP, which pods use (the first address of the service range).
printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' "$host_ip" >"$pki/apiserver.ext"
openssl x509 -req -sha256 -days 2 -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s,e2e-admin,e2e-admin,"system:masters"\n' "$token" >"$pki/tokens.csv"
node_args=()
if ((${#nodes[@]})); then
  mkdir -p "$pki/nodes"
  for n in "${nodes[@]}"; do
    t=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s,system:node:%s,system:node:%s,"system:nodes"\n' "$t" "$n" "$n" >>"$pki/tokens.csv"
    echo "$t" >"$pki/nodes/$n.token"
  done
  # The bootstrap ClusterRoleBinding system:node-proxier names the user system:kube-proxy.
  t=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s,system:kube-proxy,system:kube-proxy\n' "$t" >>"$pki/tokens.csv"
  echo "$t" >"$pki/nodes/kube-proxy.token"
  # kube-apiserver -> kubelet (logs, exec): a client certificate the kubelets' x509 authenticator accepts;
  # system:masters passes their webhook authorizer (a SubjectAccessReview).
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -keyout "$pki/kubelet-client.key" -out "$pki/kubelet-client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$pki/kubelet-client.ext"
  openssl x509 -req -sha256 -days 2 -in "$pki/kubelet-client.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -extfile "$pki/kubelet-client.ext" -out "$pki/kubelet-client.crt" 2>/dev/null
  chmod 600 "$pki"/nodes/*.token
  node_args=(--authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction
    --kubelet-client-certificate="$pki/kubelet-client.crt" --kubelet-client-key="$pki/kubelet-client.key"
    --kubelet-preferred-address-types=InternalIP --endpoint-reconciler-type=lease)
else
  # No nodes, no pods that call the API server: the `kubernetes` Service needs no endpoints (and a loopback
  # address may not be one).
  node_args=(--authorization-mode=RBAC --endpoint-reconciler-type=none)
fi
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
    server: https://$host_ip:$api_port
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
  --bind-address="$host_ip" --advertise-address="$host_ip" --secure-port="$api_port" --insecure-port=0 \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --cert-dir="$state/apiserver-certs" \
  --client-ca-file="$pki/ca.crt" \
  --token-auth-file="$pki/tokens.csv" "${node_args[@]}" \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range=10.0.0.0/24 \
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
export E2E_HOST_IP='$host_ip'
ENV
e2e_log "control plane up: https://$host_ip:$api_port (state in $state)"
