#!/usr/bin/env bash
# Writes the release's one-file install (default .build/release/install.yaml) for `kubectl apply -f`:
# the kustomize base (manifests/) rendered by kubectl 1.30's kustomize, with
# - the image pinned to <repository>:<package.json version> (RELEASE_REPOSITORY, default nifi-ca-guard) by
#   kustomize's images: transformer, which the base's kustomizeconfig.yaml also points at
#   NIFI_CA_GUARD_INIT_IMAGE, so the injected init containers run the same image (the test checks both);
# - the objects in apply order: the CRD and the Namespace first, the webhook configuration last (once
#   it exists, matching pods wait for the webhook, which by then has been created).
# Usage: hack/release-manifest.sh [OUT]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/.build/release/install.yaml}"
REPOSITORY="${RELEASE_REPOSITORY:-nifi-ca-guard}"
KUBECTL="${NIFI_CA_GUARD_TOOLS_BIN:-$ROOT/.tools/bin}/kubectl"

die() { echo "release-manifest: $*" >&2; exit 1; }

[ -x "$KUBECTL" ] || die "$KUBECTL missing: run hack/install-helm.sh (make helm) first"
VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")" || die "cannot read the version from package.json"
# registry[:port]/ path: an image reference without tag or digest (the tag is the version).
[[ "$REPOSITORY" =~ ^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._/-]+[a-z0-9]+)*$ ]] \
  || die "RELEASE_REPOSITORY must be an image repository without tag, e.g. registry.example.com/nifi-ca-guard, got '$REPOSITORY'"

# kustomize loads only directories inside or below a kustomization's root when given relative paths,
# so the generated kustomization lives in the repository (.build/ is gitignored).
mkdir -p "$ROOT/.build"
work="$(mktemp -d "$ROOT/.build/release-kustomize.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat >"$work/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../manifests
images:
- name: nifi-ca-guard
  newName: $REPOSITORY
  newTag: "$VERSION"
# kustomize's legacy order, with the CRD ahead of the Namespace and the webhook configuration last.
sortOptions:
  order: legacy
  legacySortOptions:
    orderFirst: [CustomResourceDefinition, Namespace, ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding,
                 ConfigMap, Secret, Service, Lease, Deployment, PodDisruptionBudget, NetworkPolicy]
    orderLast: [MutatingWebhookConfiguration, ValidatingWebhookConfiguration]
EOF

rendered="$work/rendered.yaml"
# kubectl prints a deprecation note for the base's `bases` field (kept for kubectl 1.20): not an error.
"$KUBECTL" kustomize "$work" >"$rendered" 2>"$work/stderr" || { cat "$work/stderr" >&2; die "kubectl kustomize failed"; }
grep -v "'bases' is deprecated" "$work/stderr" >&2 || true

mkdir -p "$(dirname "$OUT")"
{
  echo "# nifi-ca-guard $VERSION: the whole install as one file (the kustomize base, manifests/), image $REPOSITORY:$VERSION."
  echo "# Install or upgrade:  kubectl apply -f install.yaml"
  echo "# The CRD comes first and the webhook configuration last. Upgrade and uninstall: docs/install.md."
  cat "$rendered"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "release-manifest: wrote $OUT ($REPOSITORY:$VERSION)" >&2
