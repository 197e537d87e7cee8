# shellcheck shell=bash
# Sourced by start.sh for AUTH=tls|ldap|oidc: the stand-in's version of the image's secure.sh. Every
# store setting is required (`: ${VAR:?message}`, messages as in the real script); KEY_PASSWORD defaults
# to KEYSTORE_PASSWORD; HTTP off, HTTPS on NIFI_WEB_HTTPS_PORT (default 8443).
echo 'secure.sh: Configuring environment with SSL settings' >&2

: "${KEYSTORE_PATH:?Must specify an absolute path to the keystore being used.}"
if [ ! -f "${KEYSTORE_PATH}" ]; then
  echo "secure.sh: Keystore file specified (${KEYSTORE_PATH}) does not exist." >&2
  exit 1
fi
: "${KEYSTORE_TYPE:?Must specify the type of keystore (JKS, PKCS12) of the keystore being used.}"
: "${KEYSTORE_PASSWORD:?Must specify the password of the keystore being used.}"

: "${TRUSTSTORE_PATH:?Must specify an absolute path to the truststore being used.}"
if [ ! -f "${TRUSTSTORE_PATH}" ]; then
  echo "secure.sh: Truststore file specified (${TRUSTSTORE_PATH}) does not exist." >&2
  exit 1
fi
: "${TRUSTSTORE_TYPE:?Must specify the type of truststore (JKS, PKCS12) of the truststore being used.}"
: "${TRUSTSTORE_PASSWORD:?Must specify the password of the truststore being used.}"

prop_replace nifi.security.keystore "${KEYSTORE_PATH}"
prop_replace nifi.security.keystoreType "${KEYSTORE_TYPE}"
prop_replace nifi.security.keystorePasswd "${KEYSTORE_PASSWORD}"
prop_replace nifi.security.keyPasswd "${KEY_PASSWORD:-$KEYSTORE_PASSWORD}"
prop_replace nifi.security.truststore "${TRUSTSTORE_PATH}"
prop_replace nifi.security.truststoreType "${TRUSTSTORE_TYPE}"
prop_replace nifi.security.truststorePasswd "${TRUSTSTORE_PASSWORD}"

prop_replace nifi.web.http.port ''
prop_replace nifi.web.http.host ''
prop_replace nifi.web.https.port "${NIFI_WEB_HTTPS_PORT:-8443}"
prop_replace nifi.web.https.host "${NIFI_WEB_HTTPS_HOST:-$HOSTNAME}"
prop_replace nifi.remote.input.secure true
prop_replace nifi.cluster.protocol.is.secure true
