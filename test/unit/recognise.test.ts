import { expect } from 'chai';
import type { Json } from '../../src/mutation/pod.js';
import {
  enrolment,
  imageName,
  imageVersion,
  isNiFiContainer,
  isToolkitServer,
  runsStartScript,
  runsToolkit,
  startScriptReadsTruststoreEnv,
  volumeAt,
} from '../../src/mutation/recognise.js';
import { nifiContainers, toolkitContainers } from '../../src/mutation/targets.js';

// The cetic/helm-nifi 0.7.x cert-request script, in the shape the chart renders it (written for this test).
const CETIC_CERT_REQUEST = [
  'CA_ADDRESS="nifi-ca:9090"',
  'until echo "" | timeout -t 2 openssl s_client -connect "${CA_ADDRESS}"; do',
  '  echo "Waiting for CA to be available at ${CA_ADDRESS}"',
  '  sleep 2',
  'done;',
  'cd /data/config-data',
  'rm -rf certs',
  'mkdir certs',
  'cd certs',
  '${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh client \\',
  '  -c "nifi-ca" \\',
  '  -t sixteenCharacters \\',
  '  -D "CN=$(hostname -f), OU=NIFI" \\',
  '  -p 9090',
  'mkdir -p /data/config-data/certs/admin',
  'cd /data/config-data/certs/admin',
  '${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh client -c "nifi-ca" -t sixteenCharacters -p 9090 -D "CN=admin, OU=NIFI" -T PKCS12',
].join('\n');

describe('recognise: what a container is', () => {
  const images: Array<[string, string, number[] | undefined]> = [
    ['apache/nifi:1.12.1', 'nifi', [1, 12, 1]],
    ['docker.io/apache/nifi:1.28.1-java21', 'nifi', [1, 28, 1]],
    ['registry.local:5000/mirror/apache/nifi@sha256:abcd', 'nifi', undefined],
    ['apache/nifi-toolkit:1.12.1', 'nifi-toolkit', [1, 12, 1]],
    ['apache/nifi', 'nifi', undefined],
    ['busybox:1.32.0', 'busybox', [1, 32, 0]],
    ['nifi:latest', 'nifi', undefined],
  ];
  for (const [image, name, version] of images) {
    it(`${image}: name ${name}, version ${JSON.stringify(version)}`, () => {
      expect(imageName(image)).to.equal(name);
      expect(imageVersion(image)).to.deep.equal(version);
    });
  }

  const containers: Array<{ name: string; c: Json; nifi: boolean; server: boolean; client: boolean; startScript: boolean }> = [
    { name: 'apache/nifi with its own entrypoint', c: { name: 'nifi', image: 'apache/nifi:1.28.1' }, nifi: true, server: false, client: false, startScript: true },
    {
      name: 'cetic server container (bash -ce script, nifi.sh run)',
      c: { name: 'server', image: 'apache/nifi:1.12.1', command: ['bash', '-ce', 'prop_replace a b\nexec bin/nifi.sh run & nifi_pid="$!"'] },
      nifi: true, server: false, client: false, startScript: false,
    },
    { name: 'a custom image starting nifi.sh', c: { name: 'node', image: 'corp/data-flow:3', args: ['/opt/nifi/bin/nifi.sh', 'run'] }, nifi: true, server: false, client: false, startScript: true },
    { name: 'a busybox log sidecar', c: { name: 'app-log', image: 'busybox:1.32.0', args: ['tail', '-n+1', '-F', '/var/log/nifi-app.log'] }, nifi: false, server: false, client: false, startScript: true },
    {
      name: 'the cetic CA container',
      c: { name: 'ca', image: 'apache/nifi-toolkit:1.12.1', command: ['sh', '-c', 'if [ -f config.json ]; then\n  OPTIONS="--configJson config.json --useConfigJson"\nfi\nexec ${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh server -c "nifi-ca" -t x -p 9090 ${OPTIONS}'] },
      nifi: false, server: true, client: false, startScript: false,
    },
    { name: 'a toolkit image with no command', c: { name: 'ca', image: 'apache/nifi-toolkit:1.28.1' }, nifi: false, server: true, client: false, startScript: true },
    {
      name: 'the incident: client then nifi.sh in one container',
      c: { name: 'nifi', image: 'apache/nifi:1.12.1', command: ['bash', '-c', 'cd conf/certs && /opt/nifi/nifi-toolkit-current/bin/tls-toolkit.sh client -c nifi-ca -t x && exec bin/nifi.sh run'] },
      nifi: true, server: false, client: true, startScript: false,
    },
    {
      name: 'a wrapper that exports passwords, then execs the start script',
      c: { name: 'nifi', image: 'apache/nifi:1.28.1', command: ['bash', '-c'], args: ['export KEYSTORE_PASSWORD=$(jq -r .keyStorePassword c.json); exec /opt/nifi/scripts/start.sh'] },
      nifi: true, server: false, client: false, startScript: true,
    },
    {
      name: 'the NiFi Registry image starting its own scripts/start.sh (cetic registry subchart)',
      c: { name: 'registry', image: 'apache/nifi-registry:0.8.0', command: ['bash', '-ce', '${NIFI_REGISTRY_BASE_DIR}/scripts/start.sh\n'] },
      nifi: false, server: false, client: false, startScript: true,
    },
    {
      name: 'a mirrored registry image running /opt/nifi-registry/scripts/start.sh',
      c: { name: 'registry', image: 'corp/registry:1', command: ['/opt/nifi-registry/scripts/start.sh'] },
      nifi: false, server: false, client: false, startScript: true,
    },
    { name: 'a custom image running the apache/nifi start script', c: { name: 'n', image: 'corp/flow:1', command: ['/opt/nifi/scripts/start.sh'] }, nifi: true, server: false, client: false, startScript: true },
    { name: 'the word server elsewhere', c: { name: 'web', image: 'nginx', args: ['nginx', 'server', 'tls-toolkit-docs'] }, nifi: false, server: false, client: false, startScript: true },
  ];
  for (const t of containers) {
    it(`${t.name}: nifi=${t.nifi} server=${t.server} client=${t.client} startScript=${t.startScript}`, () => {
      expect(isNiFiContainer(t.c), 'isNiFiContainer').to.equal(t.nifi);
      expect(isToolkitServer(t.c), 'isToolkitServer').to.equal(t.server);
      expect(runsToolkit(t.c, 'client'), 'client').to.equal(t.client);
      expect(runsStartScript(t.c), 'runsStartScript').to.equal(t.startScript);
    });
  }

  const auth: Array<[string, Json, 'yes' | 'no' | 'unknown']> = [
    ['no AUTH', { image: 'apache/nifi:1.28.1' }, 'no'],
    ['AUTH=tls', { image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] }, 'yes'],
    ['AUTH=ldap', { image: 'apache/nifi:1.12.1', env: [{ name: 'AUTH', value: 'ldap' }] }, 'yes'],
    ['AUTH=oidc on 1.19', { image: 'apache/nifi:1.19.1', env: [{ name: 'AUTH', value: 'oidc' }] }, 'no'],
    ['AUTH=oidc on 1.20', { image: 'apache/nifi:1.20.0', env: [{ name: 'AUTH', value: 'oidc' }] }, 'yes'],
    ['AUTH=oidc, no tag', { image: 'apache/nifi', env: [{ name: 'AUTH', value: 'oidc' }] }, 'yes'],
    ['AUTH=none', { image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'none' }] }, 'no'],
    ['AUTH from a Secret', { image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, 'unknown'],
    ['envFrom, no AUTH', { image: 'apache/nifi:1.28.1', envFrom: [{ configMapRef: { name: 'env' } }] }, 'unknown'],
  ];
  for (const [name, c, want] of auth) {
    it(`the start script reads TRUSTSTORE_* with ${name}: ${want}`, () => expect(startScriptReadsTruststoreEnv(c)).to.equal(want));
  }
});

describe('recognise: where enrolment writes', () => {
  const cases: Array<{ name: string; c: Json; want: ReturnType<typeof enrolment> }> = [
    { name: 'cetic cert-request: cd, rm, mkdir, cd certs', c: { command: ['bash', '-c', CETIC_CERT_REQUEST] }, want: { dir: '/data/config-data/certs', configJson: 'config.json' } },
    { name: 'workingDir and no cd', c: { workingDir: '/opt/certs', args: ['tls-toolkit.sh', 'client', '-c', 'nifi-ca', '-t', 'x'] }, want: { dir: '/opt/certs', configJson: 'config.json' } },
    { name: 'relative cd from workingDir, with ..', c: { workingDir: '/opt/nifi/nifi-current', command: ['sh', '-c', 'cd conf/x/../certs && tls-toolkit.sh client -f /tmp/c.json'] }, want: { dir: '/opt/nifi/nifi-current/conf/certs', configJson: '/tmp/c.json' } },
    { name: '--configJson=', c: { workingDir: '/w', args: ['tls-toolkit.sh', 'client', '--configJson=out.json'] }, want: { dir: '/w', configJson: 'out.json' } },
    { name: 'cd into a variable: unknown directory', c: { command: ['sh', '-c', 'cd $CERTS && tls-toolkit.sh client'] }, want: { dir: undefined, configJson: 'config.json' } },
    { name: 'no workingDir, relative cd: unknown', c: { command: ['sh', '-c', 'cd certs; tls-toolkit.sh client'] }, want: { dir: undefined, configJson: 'config.json' } },
    { name: 'no client at all', c: { command: ['sh', '-c', 'cd /x; tls-toolkit.sh server'] }, want: undefined },
  ];
  for (const t of cases) it(t.name, () => expect(enrolment(t.c)).to.deep.equal(t.want));

  it('finds the deepest mount holding a path', () => {
    const c = { volumeMounts: [{ name: 'root', mountPath: '/data' }, { name: 'config-data', mountPath: '/data/config-data/', subPath: 'cd' }] };
    expect(volumeAt(c, '/data/config-data/certs')).to.deep.equal({ volume: 'config-data', subPath: 'cd', inside: 'certs' });
    expect(volumeAt(c, '/data/other')).to.deep.equal({ volume: 'root', subPath: '', inside: 'other' });
    expect(volumeAt(c, '/data-x')).to.equal(undefined);
  });
});

describe('targets: the containers a step applies to by default', () => {
  const sidecar = (name: string): Json => ({ name, image: 'busybox:1.32.0', args: ['tail', '-F', `/var/log/${name}`] });
  it('picks the NiFi container and never the log sidecars', () => {
    const server = { name: 'server', image: 'apache/nifi:1.12.1', command: ['bash', '-ce', 'exec bin/nifi.sh run'] };
    expect(nifiContainers([server, sidecar('app-log'), sidecar('user-log')], {})).to.deep.equal({ targets: [server] });
  });
  it('falls back to the default-container annotation, then to the first container, and says so', () => {
    const a = { name: 'a', image: 'corp/flow:1' };
    const b = { name: 'b', image: 'corp/flow:1' };
    const annotated = { metadata: { annotations: { 'kubectl.kubernetes.io/default-container': 'b' } } };
    expect(nifiContainers([a, b], annotated).targets).to.deep.equal([b]);
    const first = nifiContainers([a, b], {});
    expect(first.targets).to.deep.equal([a]);
    expect(first.note).to.equal('no container looks like NiFi (image apache/nifi, nifi.sh); using a (set containers to choose)');
  });
  it('picks the toolkit server for CA pinning', () => {
    const ca = { name: 'ca', image: 'apache/nifi-toolkit:1.12.1', args: ['tls-toolkit.sh', 'server'] };
    expect(toolkitContainers([sidecar('log'), ca], {})).to.deep.equal({ targets: [ca] });
  });
});
