#!/usr/bin/env bash
# `make image`: podman (installed when missing), the local base images (made once, base.sh), then the
# project's Dockerfile. Tags localhost/nifi-ca-guard:<version> and docker.io/library/nifi-ca-guard:<version>
# (what a kubelet resolves the bare name to once the image is imported into containerd), and writes both
# into one docker-archive tar, .build/image/nifi-ca-guard-<version>.tar, rewritten only when the image changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

bash "$IMAGE_HACK/install-tools.sh"
started=$(date +%s)
if [ -n "${BASE_IMAGE:-}${BUILD_IMAGE:-}" ]; then
  # make image BASE_IMAGE=docker.io/library/node:24-bookworm-slim: public bases (the one not given is
  # the Dockerfile's default), pulled when missing.
  pull=missing build_args=()
  [ -z "${BASE_IMAGE:-}" ] || build_args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
  [ -z "${BUILD_IMAGE:-}" ] || build_args+=(--build-arg "BUILD_IMAGE=$BUILD_IMAGE")
else
  bases=$(bash "$IMAGE_HACK/base.sh")
  read -r runtime_image build_image <<<"$bases"
  [ -n "${build_image:-}" ] || die "base.sh named no base images"
  # the bases are local and no registry is reachable
  pull=never build_args=(--build-arg "BUILD_IMAGE=$build_image" --build-arg "BASE_IMAGE=$runtime_image")
fi
based=$(date +%s)

# As build args (the Dockerfile's LABEL, for any builder) and as --label too: buildah 1.28's layer cache
# keys LABEL by its text, not by the args' values, and would keep a stale revision; --label it does key by.
while IFS= read -r kv; do
  key=${kv%%=*}
  build_args+=(--build-arg "$kv" --label "org.opencontainers.image.${key,,}=${kv#*=}")
done < <(bash "$IMAGE_HACK/labels.sh")
# The CA bundle this machine's npm trusts (a TLS-inspecting proxy's, say), for npm ci in the build stage.
ca=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
[ -z "$ca" ] || [ "$ca" = null ] || [ "$ca" = undefined ] || [ ! -s "$ca" ] || build_args+=(--secret "id=npm-ca,src=$ca")
version=$(node -p 'require("./package.json").version')
local_ref=$IMAGE_REPO:$version
bare_ref=docker.io/library/nifi-ca-guard:$version

previous=$(podman image inspect --format '{{.Id}}' "$local_ref" 2>/dev/null || true)
# --network host: npm ci in the build stage reaches the npm registry the way this machine does.
# PODMAN_BUILD_FLAGS: e.g. --no-cache.
# shellcheck disable=SC2086
podman build --quiet --pull="$pull" --network host "${PODMAN_ULIMITS[@]}" --layers ${PODMAN_BUILD_FLAGS:-} \
  "${build_args[@]}" -f Dockerfile -t "$local_ref" . >/dev/null
podman tag "$local_ref" "$bare_ref"
id=$(podman image inspect --format '{{.Id}}' "$local_ref")
# The image this one replaced is nameless now: drop it (its shared layers stay).
[ -z "$previous" ] || [ "$previous" = "$id" ] || podman rmi "$previous" >/dev/null 2>&1 || true
built=$(date +%s)

archive=$ARCHIVE_DIR/nifi-ca-guard-$version.tar
mkdir -p "$ARCHIVE_DIR"
if [ ! -f "$archive" ] || [ "$(cat "$archive.id" 2>/dev/null)" != "$id" ]; then
  rm -f "$archive.tmp"
  podman save --quiet --format docker-archive -m -o "$archive.tmp" "$bare_ref" "$local_ref"
  mv -f "$archive.tmp" "$archive"
  echo "$id" >"$archive.id"
fi
size=$(podman image inspect --format '{{.Size}}' "$local_ref")
say "$local_ref = $bare_ref (${id:0:12}, $((size / 1000000)) MB): bases $((based - started)) s, build $((built - based)) s; archive $archive"
