#!/bin/bash
# Stand-in for ${NIFI_HOME}/bin/nifi.sh. run: NiFi's TLS face in the foreground (reads conf/nifi.properties
# like NiFi, serves TLS with client certificates required). probe HOST:PORT...: handshakes with peers
# using the same stores. stop/status: through the pid file `run` writes. See hack/standins/README.md.
set -euo pipefail
export NIFI_HOME=${NIFI_HOME:-/opt/nifi/nifi-current}
jar=/opt/nifi-standins/standins.jar
pidfile=${NIFI_PID_DIR:-${NIFI_HOME}/run}/nifi.pid

case "${1:-}" in
  run)
    cd "${NIFI_HOME}"
    { mkdir -p "${pidfile%/*}" && echo $$ >"${pidfile}"; } 2>/dev/null || echo "nifi.sh: cannot write ${pidfile}; stop will not find NiFi" >&2
    exec java -cp "${jar}" standin.NiFi run
    ;;
  probe)
    shift
    exec java -cp "${jar}" standin.NiFi probe "$@"
    ;;
  stop)
    pid=$(cat "${pidfile}" 2>/dev/null || true)
    if [ -z "${pid}" ] || ! kill -TERM "${pid}" 2>/dev/null; then
      echo "nifi.sh: NiFi is not running" >&2
      exit 0
    fi
    for _ in $(seq 100); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.2; done
    rm -f "${pidfile}"
    echo "nifi.sh: NiFi (pid ${pid}) stopped" >&2
    ;;
  status)
    pid=$(cat "${pidfile}" 2>/dev/null || true)
    if [ -n "${pid}" ] && kill -0 "${pid}" 2>/dev/null; then echo "NiFi is running (pid ${pid})"; else echo "NiFi is not running"; exit 3; fi
    ;;
  *)
    echo "nifi.sh: usage: nifi.sh run | probe HOST:PORT... | stop | status (stand-in; see hack/standins/README.md)" >&2
    exit 2
    ;;
esac
