# Shared by hack/image/*.sh (sourced): paths, names and the podman flags every container here needs.
# shellcheck shell=bash
IMAGE_HACK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$IMAGE_HACK/../.." && pwd)
IMAGE_REPO=localhost/nifi-ca-guard
BASE_REPO=localhost/nifi-ca-guard-base
ARCHIVE_DIR=$REPO_ROOT/.build/image

# Root here (and on CI) lacks CAP_SYS_RESOURCE, so the OCI runtime cannot raise the container's rlimits
# to podman's defaults (nofile 1048576) and fails; these stay under the usual hard limits.
PODMAN_ULIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=1024:1024)
# crun (podman's first choice on Debian) refuses this machine's hybrid cgroup layout; runc works.
podman() { command podman --runtime runc "$@"; }

die() { echo "${0##*/}: $*" >&2; exit 1; }
say() { echo "[image] $*" >&2; }
