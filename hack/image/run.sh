#!/usr/bin/env bash
# Runs an image the way a hardened pod runs it: read-only root filesystem (and no tmpfs /tmp either, as
# readOnlyRootFilesystem gives none), no capabilities, no privilege gain, no network, the image's own user,
# plus the ulimits this machine needs (lib.sh). Arguments are podman run's: [flags...] IMAGE [args...].
#   hack/image/run.sh localhost/nifi-ca-guard:0.1.0 --version
set -euo pipefail
. "$(dirname "$0")/lib.sh"
podman run --rm --read-only --read-only-tmpfs=false --cap-drop=ALL --security-opt=no-new-privileges \
  --network none "${PODMAN_ULIMITS[@]}" "$@"
