// Applies manifests/overlays/e2e (kubectl 1.20's built-in kustomize), with the loopback URL's port filled
// into every webhook's clientConfig, and, for the scenarios that run the webhook in file mode with the
// suite's certificate, that certificate's CA as caBundle. Self-managed TLS needs none: the webhook sets it.
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from './env.js';
import { kubectlOk } from './kubectl.js';

export const OVERLAY = path.join(REPO_ROOT, 'manifests/overlays/e2e');
export const WEBHOOK_CONFIG_NAME = 'nifi-ca-guard';
export const WEBHOOK_NAMESPACE = 'nifi-ca-guard';

interface Webhook {
  name: string;
  clientConfig: { url?: string; service?: unknown; caBundle?: string };
  failurePolicy?: string;
}
interface Doc {
  kind: string;
  metadata: { name: string };
  webhooks?: Webhook[];
}

export async function renderOverlay(url: string, caBundle?: string): Promise<Doc[]> {
  const rendered = await kubectlOk(['kustomize', OVERLAY]);
  const docs = parseAllDocuments(rendered).map((d) => d.toJSON() as Doc).filter((d) => d !== null);
  const mwc = docs.find((d) => d.kind === 'MutatingWebhookConfiguration' && d.metadata.name === WEBHOOK_CONFIG_NAME);
  if (!mwc?.webhooks?.length) throw new Error(`overlay renders no MutatingWebhookConfiguration ${WEBHOOK_CONFIG_NAME}`);
  for (const wh of mwc.webhooks) {
    if (wh.clientConfig.service) throw new Error(`webhook ${wh.name}: the e2e overlay must use a URL, not a Service`);
    const current = new URL(wh.clientConfig.url ?? '');
    if (current.hostname !== '127.0.0.1') throw new Error(`webhook ${wh.name}: URL must be on 127.0.0.1, got ${current.hostname}`);
    if (wh.clientConfig.caBundle !== undefined) throw new Error(`webhook ${wh.name}: the manifests must not set a caBundle`);
    wh.clientConfig.url = url;
    if (caBundle !== undefined) wh.clientConfig.caBundle = caBundle;
  }
  return docs;
}

export async function applyOverlay(url: string, caBundle?: string): Promise<Doc[]> {
  const docs = await renderOverlay(url, caBundle);
  // YAML 1.1 quoting: kubectl reads an unquoted `off` (the CRD's placement.mode value) as false.
  await kubectlOk(['apply', '-f', '-'], { input: docs.map((d) => stringify(d, { version: '1.1' })).join('---\n') });
  return docs;
}
