#!/bin/bash
# Stand-in for the NiFi toolkit's tls-toolkit.sh: `server` (nifi-ca) and `client` (enrolment), in the
# working directory like the real ones. See hack/standins/README.md.
set -euo pipefail
exec java -cp /opt/nifi-standins/standins.jar standin.Toolkit "$@"
