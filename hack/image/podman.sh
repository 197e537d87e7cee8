#!/usr/bin/env bash
# podman as this project runs it (runc: lib.sh says why), for tests and measurements.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
podman "$@"
