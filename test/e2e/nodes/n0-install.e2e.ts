// The cluster of `make cluster-up` as a user meets it: real nodes Ready, and nifi-ca-guard installed from
// its image by manifests/overlays/kubernetes-1.20, running on the nodes, reached by the API server through
// its Service with the caBundle its self-managed TLS set. No test-only wiring.
import { expect } from 'chai';
import { getJson, kubectlOk } from '../support/kubectl.js';
import { realNodes, waitRunning, logs, WEBHOOK_NS, WEBHOOK_SELECTOR } from './support/nodes.js';

interface NodeList {
  items: Array<{ metadata: { name: string }; spec: { taints?: Array<{ key: string }> }; status: { conditions: Array<{ type: string; status: string }>; nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string } } }>;
}
interface WebhookConfig {
  webhooks: Array<{ name: string; clientConfig: { service?: { name: string; namespace: string }; url?: string; caBundle?: string } }>;
}

describe('nodes: installed as users install it', () => {
  it('has every node Ready with a kubelet and containerd, and no not-ready taint left', async () => {
    console.log(await kubectlOk(['get', 'nodes', '-o', 'wide']));
    const nodes = await getJson<NodeList>(['nodes', '-l', 'e2e.nifi-ca-guard.io/real-node=true']);
    expect(nodes.items.map((n) => n.metadata.name).sort()).to.deep.equal(realNodes().sort());
    for (const n of nodes.items) {
      expect(n.status.conditions.find((c) => c.type === 'Ready')?.status, n.metadata.name).to.equal('True');
      expect(n.status.nodeInfo.kubeletVersion).to.equal('v1.20.2');
      expect(n.status.nodeInfo.containerRuntimeVersion).to.match(/^containerd:\/\/1\.6\./);
      expect((n.spec.taints ?? []).map((t) => t.key)).to.not.include('node.kubernetes.io/not-ready');
    }
  });

  it('runs the webhook from its image, two replicas on two nodes, reached through its Service', async () => {
    const pods = await waitRunning(WEBHOOK_NS, WEBHOOK_SELECTOR, 2);
    console.log(await kubectlOk(['get', 'pods', '-A', '-o', 'wide']));
    for (const p of pods) {
      expect(p.spec.containers[0]?.image).to.equal('nifi-ca-guard:0.1.0');
      expect(p.status?.containerStatuses?.[0]?.image).to.match(/nifi-ca-guard:0\.1\.0$/);
    }
    // The Deployment's preferred anti-affinity, honoured where the nodes allow it.
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).to.equal(2);
    const hook = await getJson<WebhookConfig>(['mutatingwebhookconfiguration', 'nifi-ca-guard']);
    for (const w of hook.webhooks) {
      expect(w.clientConfig.url, w.name).to.equal(undefined);
      expect(w.clientConfig.service).to.include({ name: 'nifi-ca-guard', namespace: WEBHOOK_NS });
      expect(w.clientConfig.caBundle, `${w.name} caBundle (set by the webhook)`).to.be.a('string').and.not.equal('');
    }
    const pdb = await getJson<{ apiVersion: string; status: { currentHealthy: number; disruptionsAllowed: number } }>(['-n', WEBHOOK_NS, 'pdb', 'nifi-ca-guard']);
    expect(pdb.status.currentHealthy).to.equal(2);
    expect(pdb.status.disruptionsAllowed).to.equal(1);
    // The kubelet serves the container's log: the webhook says it listens.
    expect(await logs(WEBHOOK_NS, pods[0]!.metadata.name, 'webhook')).to.match(/listening/);
  });
});
