#!/bin/bash
# Stand-in for the apache/nifi image's entrypoint, /opt/nifi/scripts/start.sh, with NiFi 1.28.1 semantics
# (NIFI_VERSION; one value for both image tags): baseline properties from NIFI_* variables; unsecured
# HTTP when NIFI_WEB_HTTP_PORT is set; secure.sh (KEYSTORE_* and TRUSTSTORE_* -> nifi.security.*) only
# when AUTH is tls or ldap, or oidc from NiFi 1.20; then `exec nifi.sh run`. Any other AUTH (or none)
# never reads TRUSTSTORE_*: NiFi then uses whatever nifi.properties names (1.14+: a self-signed pair).
set -euo pipefail
scripts_dir=/opt/nifi/scripts
# shellcheck source=common.sh
. "${scripts_dir}/common.sh"
say() { echo "start.sh: $*" >&2; }

# secure.sh's oidc mode arrived in NiFi 1.20.
version_at_least() { # MAJOR MINOR
  local major minor
  IFS=. read -r major minor _ <<<"${NIFI_VERSION:-0.0}"
  [ "${major:-0}" -gt "$1" ] || { [ "${major:-0}" -eq "$1" ] && [ "${minor:-0}" -ge "$2" ]; }
}

prop_replace nifi.web.https.port "${NIFI_WEB_HTTPS_PORT:-8443}"
prop_replace nifi.web.https.host "${NIFI_WEB_HTTPS_HOST:-$HOSTNAME}"
prop_replace nifi.web.proxy.host "${NIFI_WEB_PROXY_HOST:-}"
prop_replace nifi.remote.input.host "${NIFI_REMOTE_INPUT_HOST:-$HOSTNAME}"
prop_replace nifi.remote.input.socket.port "${NIFI_REMOTE_INPUT_SOCKET_PORT:-10000}"
prop_replace nifi.remote.input.secure true
prop_replace nifi.cluster.protocol.is.secure true

if [ -n "${NIFI_WEB_HTTP_PORT:-}" ]; then
  prop_replace nifi.web.https.port ''
  prop_replace nifi.web.https.host ''
  prop_replace nifi.web.http.port "${NIFI_WEB_HTTP_PORT}"
  prop_replace nifi.web.http.host "${NIFI_WEB_HTTP_HOST:-$HOSTNAME}"
  prop_replace nifi.remote.input.secure false
  prop_replace nifi.cluster.protocol.is.secure false
  for key in keystore keystoreType keystorePasswd keyPasswd truststore truststoreType truststorePasswd; do
    prop_replace "nifi.security.${key}" ''
  done
fi

prop_replace nifi.cluster.is.node "${NIFI_CLUSTER_IS_NODE:-false}"
prop_replace nifi.cluster.node.address "${NIFI_CLUSTER_ADDRESS:-$HOSTNAME}"
prop_replace nifi.cluster.node.protocol.port "${NIFI_CLUSTER_NODE_PROTOCOL_PORT:-}"
prop_replace nifi.zookeeper.connect.string "${NIFI_ZK_CONNECT_STRING:-}"
prop_replace nifi.sensitive.props.key "${NIFI_SENSITIVE_PROPS_KEY:-}"

case "${AUTH:-}" in
  tls)
    say 'Enabling Two-Way TLS user authentication'
    # shellcheck source=secure.sh
    . "${scripts_dir}/secure.sh"
    ;;
  ldap)
    say 'Enabling LDAP user authentication'
    . "${scripts_dir}/secure.sh"
    ;;
  oidc)
    if version_at_least 1 20; then
      say 'Enabling OIDC user authentication'
      . "${scripts_dir}/secure.sh"
    else
      say "AUTH=oidc is not a secured mode before NiFi 1.20 (this is ${NIFI_VERSION:-unknown}): KEYSTORE_*/TRUSTSTORE_* not applied"
    fi
    ;;
  *)
    say "AUTH=${AUTH:-} is not tls, ldap or oidc: KEYSTORE_*/TRUSTSTORE_* not applied"
    ;;
esac

exec "${NIFI_HOME}/bin/nifi.sh" run
