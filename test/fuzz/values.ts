// Building blocks of generated pods: what the field holds in real charts, what collides with what the
// webhook adds, and what a hostile or broken client may send instead.
import type { Json } from '../../src/json.js';

/** Sets an own member, so a `__proto__` or `constructor` key becomes data (as JSON.parse makes it). */
export function put(obj: Json, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Keys that break naive code: prototype names, RFC 6901 specials, empty, our own annotation keys. */
export const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  '~', '/', '~1', '~0', '~01', '', 'a/b', 'a~b', '-', '0', '01', ' ',
  'nifi-ca-guard.io/role', 'nifi-ca-guard.io/status', 'nifi-ca-guard.io/skip', 'kubectl.kubernetes.io/default-container',
] as const;

/** A wrong value for any field: every JSON type, odd numbers, hostile nested keys. */
export function wrongValues(): unknown[] {
  const proto: Json = {};
  put(proto, '__proto__', { name: 'nifi-ca-guard-truststore', env: [] });
  const ctor: Json = {};
  put(ctor, 'constructor', { prototype: { polluted: true } });
  return [null, true, false, 0, -1, 1.5, 1e308, '', 'x', 'nifi', '0', [], [null], [1, 'a'], [[]], {}, proto, ctor, { a: { b: {} } }, [{}], [{ name: null }]];
}

/** The webhook's own names, so user items collide with them. */
export const OUR_VOLUMES = ['nifi-ca-guard-bundle', 'nifi-ca-guard-truststore', 'nifi-ca-guard-ca-secret', 'nifi-ca-guard-ca-workdir'] as const;
export const OUR_INITS = ['nifi-ca-guard-truststore', 'nifi-ca-guard-trust-merge', 'nifi-ca-guard-ca-restore'] as const;
export const OUR_ENV = ['TRUSTSTORE_PATH', 'TRUSTSTORE_TYPE', 'TRUSTSTORE_PASSWORD'] as const;
export const OUR_ANNOTATIONS = ['nifi-ca-guard.io/role', 'nifi-ca-guard.io/policy', 'nifi-ca-guard.io/status'] as const;

export const NIFI_IMAGES = ['apache/nifi:1.23.2', 'apache/nifi:1.12.1', 'apache/nifi:1.19.0', 'docker.io/apache/nifi:2.0.0', 'registry.example.com/mirror/nifi@sha256:' + 'a'.repeat(64), 'nifi', 'busybox:1.36'];
export const TOOLKIT_IMAGES = ['apache/nifi-toolkit:1.23.2', 'apache/nifi-toolkit:1.12.1', 'apache/nifi-toolkit'];

export const LABEL_SETS = {
  nifi: [{ app: 'nifi' }, { 'app.kubernetes.io/name': 'nifi' }, { app: 'nifi', release: 'r1' }, { 'app.kubernetes.io/name': 'nifi', 'app.kubernetes.io/instance': 'prod' }],
  ca: [{ app: 'nifi-ca' }, { 'app.kubernetes.io/name': 'nifi-ca' }, { app: 'nifi-ca', release: 'r1' }],
  none: [{}, { app: 'web' }, { app: 'ca-ca', release: 'r1' }, { app: 'NiFi' }, { 'app.kubernetes.io/name': 'nifi-registry' }],
  both: [{ app: 'nifi', 'app.kubernetes.io/name': 'nifi-ca' }, { app: 'nifi-ca', 'app.kubernetes.io/name': 'nifi' }],
} as const;

export const NAMESPACES = ['nifi', 'default', 'nifi-prod', 'team-a', 'kube-system'];

/** Scripts as charts and hand-made manifests write them. */
export const SCRIPTS = {
  nifiRun: 'exec bin/nifi.sh run',
  startScript: '../scripts/start.sh',
  ceticServer: 'prop_replace () { sed -i "s|^$1=.*$|$1=$2|" ${NIFI_HOME}/conf/nifi.properties; }\nprop_replace nifi.security.truststore ${NIFI_HOME}/config-data/certs/truststore.jks\nexec bin/nifi.sh run & nifi_pid="$!"; wait $nifi_pid',
  selfEnrol: 'tls-toolkit.sh client -c nifi-ca -t token -p 9090 && exec bin/nifi.sh run',
  caServer: 'exec tls-toolkit.sh server -c nifi-ca -t token --configJson config.json --useConfigJson',
  caServerBlind: 'exec tls-toolkit.sh server -c nifi-ca -t token',
  caOptions: 'if [ -f config.json ]; then OPTIONS="--configJson config.json --useConfigJson"; fi\nexec tls-toolkit.sh server -c nifi-ca -t token $OPTIONS',
  certRequest: 'cd /data/config-data; rm -rf certs; mkdir certs; cd certs; tls-toolkit.sh client -c nifi-ca -t token -D "CN=$(hostname -f), OU=NIFI" -p 9090',
  tail: 'tail -F /var/log/app.log',
};
