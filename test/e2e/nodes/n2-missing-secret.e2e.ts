// A NiFi pod in a namespace without the trust bundle Secret: what the user sees, and that it heals.
// At admission the webhook's warnings name the Secret the pod will mount and say it is missing (cluster
// facts: the installed webhook watches trust Secrets by name); the kubelet
// then cannot mount it: event FailedMount `MountVolume.SetUp failed for volume "nifi-ca-guard-bundle" :
// secret "nifi-ca-trust" not found`, and the pod waits in Init:0/1 (no container starts, NiFi never runs
// with a truststore short of the bundle). Once the Secret exists the kubelet's next mount retry starts it,
// with no pod recreated. docs/troubleshooting.md quotes both messages.
import { expect } from 'chai';
import { stringify } from 'yaml';
import { createNamespace, deleteNamespace, waitEvent } from '../support/cluster.js';
import { getJson, kubectl } from '../support/kubectl.js';
import { cliOk } from './support/cli.js';
import { logs, waitRunning, type RunningPod } from './support/nodes.js';

const NS = 'e2e-missing-secret';
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nifi-0', labels: { app: 'nifi' } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'nifi', image: 'e2e.nifi-ca-guard.local/apache/nifi:1.28.1', command: ['sleep', '3600'], securityContext: RESTRICTED }],
  },
};

describe('nodes: a NiFi pod whose trust Secret is missing', () => {
  before(async () => createNamespace(NS));
  after(async () => deleteNamespace(NS));

  it('is warned at admission, waits in Init with a FailedMount event, and starts once the Secret exists', async () => {
    const created = await kubectl(['-n', NS, 'create', '-f', '-'], { input: stringify(POD) });
    expect(created.code, created.stderr).to.equal(0);
    const warning = created.stderr.split('\n').find((l) => /^Warning: .*from Secret nifi-ca-trust/.test(l));
    console.log(`      kubectl: ${warning}`);
    expect(warning, created.stderr).to.be.a('string');
    // Cluster facts (the installed webhook watches trust Secrets by name): the missing Secret is named at admission.
    const missing = created.stderr.split('\n').find((l) => l === `Warning: nifi-ca-guard: trust Secret nifi-ca-trust missing in ${NS}: the pod waits in Init; run ca init`);
    console.log(`      kubectl: ${missing}`);
    expect(missing, created.stderr).to.be.a('string');

    const event = await waitEvent(NS, 'nifi-0', 'FailedMount', /secret "nifi-ca-trust" not found/, 90_000);
    console.log(`      event ${event.reason}: ${event.message}`);
    expect(event.message).to.match(/MountVolume\.SetUp failed for volume "nifi-ca-guard-bundle"/);
    const waiting = await getJson<RunningPod>(['-n', NS, 'pod', 'nifi-0']);
    expect(waiting.status?.phase).to.equal('Pending');
    expect(waiting.status?.containerStatuses?.every((c) => !c.ready)).to.equal(true);

    await cliOk(['ca', 'init', '--apply', '-n', NS, '--token-env', 'T'], { T: 'a-token-of-sixteen-chars' });
    const [running] = await waitRunning(NS, 'app=nifi', 1, 180_000);
    expect(running!.metadata.uid).to.equal(waiting.metadata.uid);
    console.log(`      nifi-ca-guard-truststore: ${(await logs(NS, 'nifi-0', 'nifi-ca-guard-truststore')).trim().split('\n').pop()}`);
  });
});
