// Live cluster facts for `serve --watch-policies` (unless --cluster-facts=false): metadata watches of
// Nodes, NiFi pods and trust Secrets, for the warnings that need them. Loaded only then: the Kubernetes
// client is heavy. Facts never gate readiness or an answer: until a watch has listed, or while it fails,
// its fact is "not known" and the warnings that need it are left out.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { LiveFacts } from '../cluster/live-facts.js';
import type { PolicyStore } from '../policy/store.js';
import { CliError, oneLine } from './errors.js';

/** `kubeconfig`: the replica's (serve-leader's ClusterControl) when it has one; else loaded as kubectl would. */
export async function startServeFacts(store: PolicyStore, logger: Logger, kubeconfig?: KubeConfig): Promise<LiveFacts> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { startLiveFacts } = await import('../cluster/live-facts.js');
  let kc = kubeconfig;
  if (!kc) {
    try {
      kc = new KubeConfig();
      kc.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the pod's service account
    } catch (err) {
      throw new CliError(`--cluster-facts: cannot load a kubeconfig: ${oneLine(err)}`);
    }
  }
  const facts = startLiveFacts({ kubeconfig: kc, policies: () => store.snapshot(), logger });
  logger.info({ watching: facts.watching() }, 'cluster facts: watching metadata');
  return facts;
}
