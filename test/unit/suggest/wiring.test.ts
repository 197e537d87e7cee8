import { expect } from 'chai';
import type { Json } from '../../../src/mutation/pod.js';
import { suggestWiring, type WiringRule } from '../../../src/suggest/wiring.js';
import { workload } from './objects.js';

// Enrolment in an init container, in the shape of examples/toolkit-client/release-enrol-init.yaml.
const enrol = (extra: Json = {}): Json => ({
  name: 'enrol',
  image: 'apache/nifi:1.12.1',
  workingDir: '/opt/nifi/certs',
  command: ['bash', '-c', '/opt/nifi/nifi-toolkit-current/bin/tls-toolkit.sh client -c nifi-ca -t token-of-16-chars -p 9090'],
  volumeMounts: [{ name: 'certs', mountPath: '/opt/nifi/certs' }],
  ...extra,
});
const nifiSh = (extra: Json = {}): Json => ({
  name: 'nifi',
  image: 'apache/nifi:1.12.1',
  command: ['bash', '-c', 'prop nifi.security.truststore /opt/nifi/certs/truststore.jks\nexec bin/nifi.sh run'],
  volumeMounts: [{ name: 'certs', mountPath: '/opt/nifi/certs' }],
  ...extra,
});
const certs = [{ name: 'certs', emptyDir: {} }];
const sidecar = { name: 'log', image: 'busybox', args: ['tail', '-F', '/var/log/nifi-app.log'] };

interface Case {
  name: string;
  spec: Json;
  rule: WiringRule;
  trustBundle: Json;
  comment: RegExp;
}

const cases: Case[] = [
  {
    name: 'a) enrolment init container, NiFi started by nifi.sh: merge into what it wrote',
    spec: { initContainers: [enrol()], containers: [nifiSh(), sidecar], volumes: certs },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'enrol', volume: 'certs', store: 'truststore.jks', storeType: 'jks', passwordFile: 'config.json', passwordKey: 'trustStorePassword' } },
    comment: /Container nifi mounts volume certs and sees the store at \/opt\/nifi\/certs\/truststore\.jks/,
  },
  {
    name: 'a) cetic shape: cd into certs on a volume mounted one level up, seen by NiFi under another path',
    spec: {
      initContainers: [
        { name: 'wait', image: 'busybox', command: ['sh', '-c', 'until nc -z zk 2181; do sleep 2; done'] },
        {
          name: 'cert-request',
          image: 'apache/nifi-toolkit:1.12.1',
          command: ['bash', '-c', 'cd /data/config-data\nrm -rf certs\nmkdir certs\ncd certs\n${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh client -c nifi-ca -t x -p 9090'],
          volumeMounts: [{ name: 'config-data', mountPath: '/data/config-data' }],
        },
      ],
      containers: [nifiSh({ name: 'server', volumeMounts: [{ name: 'config-data', mountPath: '/opt/nifi/nifi-current/config-data' }] })],
      volumes: [{ name: 'config-data', emptyDir: {} }],
      securityContext: { runAsUser: 1000 },
    },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', storeType: 'jks', passwordFile: 'certs/config.json', passwordKey: 'trustStorePassword' } },
    comment: /sees the store at \/opt\/nifi\/nifi-current\/config-data\/certs\/truststore\.jks/,
  },
  {
    name: 'a) a subPath mount and config.json elsewhere: store under the subPath, no passwordFile',
    spec: {
      initContainers: [enrol({ command: ['sh', '-c', 'tls-toolkit.sh client -f /tmp/c.json'], volumeMounts: [{ name: 'certs', mountPath: '/opt/nifi/certs', subPath: 'node' }] })],
      containers: [nifiSh()],
      volumes: certs,
    },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'enrol', volume: 'certs', store: 'node/truststore.jks', storeType: 'jks' } },
    comment: /WARNING: the client's config\.json \(\/tmp\/c\.json\) is not on volume certs/,
  },
  {
    name: 'a) no NiFi container mounts the enrolment volume: merge, with a warning',
    spec: { initContainers: [enrol()], containers: [nifiSh({ volumeMounts: [] })], volumes: certs },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'enrol', volume: 'certs', store: 'truststore.jks', storeType: 'jks', passwordFile: 'config.json', passwordKey: 'trustStorePassword' } },
    comment: /WARNING: no NiFi container of StatefulSet\/nifi mounts volume certs/,
  },
  {
    name: 'a) enrolment as root: merge, with a warning that the webhook skips it',
    spec: { initContainers: [enrol({ securityContext: { runAsUser: 0 } })], containers: [nifiSh()], volumes: certs },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'enrol', volume: 'certs', store: 'truststore.jks', storeType: 'jks', passwordFile: 'config.json', passwordKey: 'trustStorePassword' } },
    comment: /WARNING: enrol runs as root, so the webhook skips the merge/,
  },
  {
    name: 'b) the NiFi container enrols itself (the incident): trust bundle off',
    spec: { containers: [nifiSh({ command: ['bash', '-c', 'cd /opt/nifi/certs && /opt/nifi/nifi-toolkit-current/bin/tls-toolkit.sh client -c nifi-ca -t x\nexec bin/nifi.sh run'] })], volumes: certs },
    rule: 'self-enrolment',
    trustBundle: { enabled: false },
    comment: /-F\/--configJsonIn, and its own store password is random[\s\S]*move the client into an init container/,
  },
  {
    name: 'b) wins over an init container that enrols as well',
    spec: { initContainers: [enrol()], containers: [nifiSh({ command: ['sh', '-c', 'tls-toolkit.sh client; exec bin/nifi.sh run'] })], volumes: certs },
    rule: 'self-enrolment',
    trustBundle: { enabled: false },
    comment: /container nifi of StatefulSet\/nifi runs tls-toolkit\.sh client itself/,
  },
  {
    name: 'c) the apache/nifi start script with AUTH=tls: env for that container',
    spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] }, sidecar] },
    rule: 'start-script',
    trustBundle: { wiring: 'env', containers: ['nifi'] },
    comment: /runs the apache\/nifi start script[\s\S]*the bundle must hold the CA nifi-ca signs with now: pin that CA/,
  },
  {
    name: 'c) wins over an enrolment init container whose store the start script does not read (examples/apache-nifi-image)',
    spec: {
      initContainers: [enrol()],
      containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', command: ['bash', '-c'], args: ['export KEYSTORE_PATH=/opt/nifi/certs/keystore.jks\nexec /opt/nifi/scripts/start.sh'], env: [{ name: 'AUTH', value: 'tls' }] }],
      volumes: certs,
    },
    rule: 'start-script',
    trustBundle: { wiring: 'env', containers: ['nifi'] },
    comment: /Init container enrol also writes a truststore\.jks, but NiFi reads the truststore TRUSTSTORE_PATH names/,
  },
  {
    name: 'c) AUTH from a Secret: env, with a note that it must be tls or ldap',
    spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', valueFrom: { secretKeyRef: { name: 's', key: 'auth' } } }] }] },
    rule: 'start-script',
    trustBundle: { wiring: 'env', containers: ['nifi'] },
    comment: /AUTH of container nifi comes from a Secret, ConfigMap or envFrom: it must be tls or ldap \(oidc from NiFi 1\.20\)/,
  },
  {
    name: 'c) the start script without a secured AUTH: env, with a warning',
    spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.19.1', env: [{ name: 'AUTH', value: 'oidc' }] }] },
    rule: 'start-script-ignores',
    trustBundle: { wiring: 'env', containers: ['nifi'] },
    comment: /WARNING: container nifi runs the apache\/nifi start script with AUTH oidc: AUTH must be tls or ldap \(oidc from NiFi 1\.20\), or the script ignores TRUSTSTORE_\*/,
  },
  {
    name: 'a) wins over the start script when the container points TRUSTSTORE_PATH at the enrolment store itself',
    spec: { initContainers: [enrol()], containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }, { name: 'TRUSTSTORE_PATH', value: '/opt/nifi/certs/truststore.jks' }], volumeMounts: [{ name: 'certs', mountPath: '/opt/nifi/certs' }] }], volumes: certs },
    rule: 'merge',
    trustBundle: { wiring: 'merge', merge: { after: 'enrol', volume: 'certs', store: 'truststore.jks', storeType: 'jks', passwordFile: 'config.json', passwordKey: 'trustStorePassword' } },
    comment: /merge: init container enrol runs tls-toolkit\.sh client in \/opt\/nifi\/certs/,
  },
  {
    name: 'd) a command that bypasses the start script, no enrolment: env, with a loud warning',
    spec: { containers: [nifiSh({ volumeMounts: [] })] },
    rule: 'unread',
    trustBundle: { wiring: 'env' },
    comment: /^WARNING: NiFi will not read TRUSTSTORE_\*: the command of container nifi bypasses the apache\/nifi start script[\s\S]*What would work: enrol with tls-toolkit\.sh client in an init container/m,
  },
  {
    name: "d) an enrolment init container whose directory can't be followed: env, saying so",
    spec: { initContainers: [enrol({ workingDir: undefined, command: ['sh', '-c', 'cd $CERTS && tls-toolkit.sh client'] })], containers: [nifiSh()], volumes: certs },
    rule: 'unread',
    trustBundle: { wiring: 'env' },
    comment: /Init container enrol enrols, but its working directory cannot be followed/,
  },
  {
    name: 'd) a command that reads TRUSTSTORE_* itself: env',
    spec: { containers: [nifiSh({ command: ['bash', '-c', 'prop nifi.security.truststore "$TRUSTSTORE_PATH"\nexec bin/nifi.sh run'] })] },
    rule: 'own-script',
    trustBundle: { wiring: 'env' },
    comment: /reads TRUSTSTORE_\* itself/,
  },
  {
    name: 'd) a container that sets TRUSTSTORE_* itself, no enrolment: env, with a warning',
    spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }, { name: 'TRUSTSTORE_PATH', value: '/x.jks' }] }] },
    rule: 'own-truststore-env',
    trustBundle: { wiring: 'env' },
    comment: /WARNING: container nifi sets TRUSTSTORE_\* itself; the webhook keeps those/,
  },
  {
    name: "d) a custom image's own entrypoint: env, with a warning",
    spec: { containers: [{ name: 'node', image: 'corp/flow:3', args: ['/opt/nifi/bin/nifi.sh', 'run'] }] },
    rule: 'unknown-entrypoint',
    trustBundle: { wiring: 'env' },
    comment: /WARNING: container node runs its image's own entrypoint \(image corp\/flow:3\)/,
  },
];

describe('suggest: trust wiring the NiFi container really reads', () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = suggestWiring(workload({ name: 'nifi', labels: { app: 'nifi' }, spec: c.spec }));
      expect(s.rule).to.equal(c.rule);
      expect(s.trustBundle).to.deep.equal(c.trustBundle);
      expect(s.comments.flatMap((x) => x.lines).join('\n')).to.match(c.comment);
    });
  }
});
