#!/usr/bin/env bash
# Real nodes for the control plane of up.sh: per node a containerd 1.6 (its own root, state, socket and
# CNI configuration, runc underneath) and a kubelet 1.20; one kube-proxy (iptables mode) for the machine,
# since every node shares its network namespace. Images are imported into every node's containerd.
#
#   hack/e2e/nodes.sh STATE_DIR NODE_BIN_DIR IMAGE_TAR...
#
# Needs STATE_DIR/env (up.sh, started with E2E_HOST_IP and E2E_NODES) and STATE_DIR/network.env
# (network.sh). Node i gets pods in 10.244.i.0/24 on bridge ncg0. Every process goes into STATE_DIR/pids;
# down.sh stops them, nodes-down.sh removes what they leave (containers, mounts, netns, cgroups).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

state=${1:?usage: nodes.sh STATE_DIR NODE_BIN_DIR IMAGE_TAR...}
nbin=${2:?usage: nodes.sh STATE_DIR NODE_BIN_DIR IMAGE_TAR...}
shift 2
images=("$@")
state=$(cd "$state" && pwd)
. "$state/env"
. "$state/network.env"
read -r -a nodes <<<"${E2E_NODES:?E2E_NODES names the nodes}"
pki=$state/pki
kubectl="$E2E_KUBECTL --kubeconfig=$E2E_KUBECONFIG"
pause_ref=$(cat "$nbin/../pause.ref")
CNI_BIN=/usr/lib/cni

for b in kubelet kube-proxy; do [[ -x $nbin/$b ]] || { e2e_log "missing $nbin/$b"; exit 1; }; done
for b in containerd containerd-shim-runc-v2 runc ctr conntrack iptables; do
  command -v "$b" >/dev/null || { e2e_log "$b not found (hack/e2e/install-deps.sh nodes)"; exit 1; }
done
[[ -x $CNI_BIN/bridge && -x $CNI_BIN/host-local && -x $CNI_BIN/loopback ]] || { e2e_log "CNI plugins missing in $CNI_BIN"; exit 1; }

# Pod logs go to /var/log/pods and /var/log/containers, fixed paths in kubelet 1.20, and every kubelet
# deletes the log directories of pods it does not run: kubelets sharing them delete each other's pods'
# logs (kubectl logs then fails). So each node's containerd and kubelet share a mount namespace of their
# own, held by a sleeping process, where those two paths are bind mounts of the node's directories.
mkdir -p /var/log/pods /var/log/containers

kubeconfig_for() { # NAME TOKEN_FILE -> path
  local f=$state/nodes/$1.kubeconfig
  cat >"$f" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: 'https://$E2E_HOST_IP:$E2E_APISERVER_PORT', certificate-authority: '$pki/ca.crt'}
users:
- name: '$1'
  user: {token: '$(cat "$2")'}
contexts:
- name: e2e
  context: {cluster: e2e, user: '$1'}
current-context: e2e
KC
  chmod 600 "$f"
  echo "$f"
}

mkdir -p "$state/nodes"
i=0
for node in "${nodes[@]}"; do
  i=$((i + 1))
  d=$state/nodes/$node
  mkdir -p "$d/containerd/root" "$d/containerd/state" "$d/cni/net.d" "$d/cni/ipam" "$d/kubelet" "$d/logs"
  sock=$d/containerd.sock
  # restrict_oom_score_adj: this machine refuses negative oom_score_adj values, and the pause container
  # asks for -998; without it every sandbox fails ("can't get final child's PID from pipe").
  # netns_mounts_under_state_dir: the pods' network namespaces stay under this node's state directory,
  # where nodes-down.sh finds them, rather than in /var/run/netns beside other software's.
  cat >"$d/containerd.toml" <<TOML
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.blockfile"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_ref"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$d/cni/net.d"
    max_conf_num = 1
TOML
  # Pods of every node on the one bridge, each node handing out its own /24 (no overlap, no overlay).
  cat >"$d/cni/net.d/10-ncg.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "ncg-$node",
  "plugins": [
    {
      "type": "bridge", "bridge": "$E2E_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$d/cni/ipam",
        "ranges": [[{"subnet": "$E2E_POD_NET", "rangeStart": "10.244.$i.2", "rangeEnd": "10.244.$i.254", "gateway": "$E2E_HOST_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "loopback"}
  ]
}
CNI
  mkdir -p "$d/var-log/pods" "$d/var-log/containers"
  # exec -a: the holder's command line names the node directory, as down.sh requires of what it stops.
  start_bg "$state" "mntns-$node" unshare --mount --propagation private bash -c \
    'mount --bind "$1/var-log/pods" /var/log/pods && mount --bind "$1/var-log/containers" /var/log/containers && exec -a "ncg-mntns $1" sleep infinity' \
    ncg-mntns "$d"
  holder=$(awk -v n="mntns-$node" '$2 == n { p = $1 } END { print p }' "$state/pids")
  wait_until 10 "the mount namespace of $node" nsenter --mount="/proc/$holder/ns/mnt" mountpoint -q /var/log/pods
  in_node=(nsenter --mount="/proc/$holder/ns/mnt" --)
  start_bg "$state" "containerd-$node" "${in_node[@]}" containerd --config "$d/containerd.toml" --log-level warn
  wait_until 30 "containerd of $node" ctr --address "$sock" version
  for tar in "$nbin/../pause.tar" "${images[@]}"; do
    ctr --address "$sock" -n k8s.io images import "$tar" >"$d/logs/import.log" 2>&1 \
      || { e2e_log "importing $tar into $node failed:"; cat "$d/logs/import.log" >&2; exit 1; }
  done
  e2e_log "$node: imported $(( ${#images[@]} + 1 )) image archive(s)"

  mapfile -t kp < <(free_ports 2)
  kubelet_kc=$(kubeconfig_for "$node" "$pki/nodes/$node.token")
  # Its own cgroup root per node: kubelets on one machine would otherwise share /kubepods and fight.
  if [[ -d /sys/fs/cgroup/memory ]]; then   # cgroup v1: one hierarchy per controller
    for c in /sys/fs/cgroup/*/; do
      [[ ! -L ${c%/} && $(basename "$c") != unified ]] && mkdir -p "$c/ncg-$node"
    done
  else
    mkdir -p "/sys/fs/cgroup/ncg-$node"
  fi
  # There is no cluster DNS here, and the machine's resolver is unreachable from pods (the bridge has no
  # uplink): pods inheriting it waited seconds per lookup (the JDK's HTTPS server looks up every client's
  # name, so nifi-ca answered nothing within a client's 10 s). The pods' own loopback fails at once.
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$d/resolv.conf"
  cat >"$d/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $E2E_HOST_IP
port: ${kp[0]}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${kp[1]}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /ncg-$node
failSwapOn: false
clusterDomain: cluster.local
resolvConf: $d/resolv.conf
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
serializeImagePulls: false
runtimeRequestTimeout: 2m
fileCheckFrequency: 5s
syncFrequency: 10s
nodeStatusUpdateFrequency: 5s
YAML
  start_bg "$state" "kubelet-$node" "${in_node[@]}" "$nbin/kubelet" --config="$d/kubelet.yaml" --kubeconfig="$kubelet_kc" \
    --hostname-override="$node" --node-ip="$E2E_HOST_IP" \
    --container-runtime=remote --container-runtime-endpoint="unix://$sock" --image-service-endpoint="unix://$sock" \
    --root-dir="$d/kubelet" --cert-dir="$d/kubelet/pki" --volume-plugin-dir="$d/kubelet/volume-plugins" \
    --node-labels="e2e.nifi-ca-guard.io/real-node=true" --v=1
  echo "$node ${kp[0]} ${kp[1]}" >>"$state/nodes/ports"
done

proxy_kc=$(kubeconfig_for kube-proxy "$pki/nodes/kube-proxy.token")
mapfile -t pp < <(free_ports 2)
# conntrack: 0 leaves the machine's conntrack sysctls as they are (kube-proxy would raise them).
cat >"$state/nodes/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $proxy_kc}
mode: iptables
hostnameOverride: ${nodes[0]}
bindAddress: $E2E_HOST_IP
healthzBindAddress: 127.0.0.1:${pp[0]}
metricsBindAddress: 127.0.0.1:${pp[1]}
clusterCIDR: $E2E_POD_NET
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {minSyncPeriod: 0s, syncPeriod: 30s}
YAML
start_bg "$state" kube-proxy "$nbin/kube-proxy" --config="$state/nodes/kube-proxy.yaml" --v=1

# Ready nodes; the not-ready taint the kubelet registers with is lifted by the node lifecycle controller,
# which up.sh leaves off (the control-plane-only suite's Node objects have no kubelet): lift it here.
for node in "${nodes[@]}"; do
  wait_until 120 "node $node Ready" bash -c "$kubectl get node '$node' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  $kubectl taint node "$node" node.kubernetes.io/not-ready- >/dev/null 2>&1 || true
done
wait_until 60 "kube-proxy /healthz" curl -fsS "http://127.0.0.1:${pp[0]}/healthz"
e2e_log "nodes Ready: ${nodes[*]}"
