// The examples in docs/install.md run as written: the values file through helm, the kustomize overlay
// through kubectl 1.30's kustomize. A doc example that no longer works fails here, not for a user.
import { expect } from 'chai';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsePolicyText } from '../../src/policy/load.js';
import { VERSION } from '../../src/version.js';
import { REPO_ROOT, repoPath } from '../support/paths.js';
import { kubectl, only, parseObjects, requireTools, scratch, template } from './support/tools.js';
import { envMap, webhookContainer } from './support/webhook-pod.js';

const DOC = readFileSync(repoPath('docs', 'install.md'), 'utf8');

/** The yaml code block whose first line is `# <name>`. */
function block(name: string): string {
  const found = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.startsWith(`# ${name}\n`));
  expect(found, `one yaml block starting with # ${name} in docs/install.md`).to.have.length(1);
  return found[0]!;
}

describe('docs/install.md examples', () => {
  before(requireTools);

  it('my-values.yaml renders, with its policy in the ConfigMap (valid) and its webhook entry', async () => {
    const values = parse(block('my-values.yaml')) as { policy: unknown; webhooks: unknown };
    const objects = await template({ values });
    const text = (only(objects, 'ConfigMap').data as Record<string, string>)['policy.yaml']!;
    const policy = parsePolicyText(text, 'docs values');
    expect(policy.spec.trustBundle.wiring).to.equal('merge');
    expect((only(objects, 'MutatingWebhookConfiguration').webhooks as Array<{ objectSelector: unknown }>).map((w) => w.objectSelector))
      .to.deep.equal((values.webhooks as Array<{ objectSelector: unknown }>).map((w) => w.objectSelector));
    expect(webhookContainer(only(objects, 'Deployment')).image).to.equal(`registry.example.com/nifi-ca-guard:${VERSION}`);
  });

  it('the kustomize overlay sets the image of the webhook and of the init containers together', async () => {
    // Laid out as the doc says: the overlay beside a checkout named nifi-ca-guard.
    const root = scratch('doc-overlay');
    symlinkSync(REPO_ROOT, join(root, 'nifi-ca-guard'));
    mkdirSync(join(root, 'my-overlay'));
    const overlay = block('my-overlay/kustomization.yaml');
    expect(overlay).to.contain(`newTag: "${VERSION}"`);
    writeFileSync(join(root, 'my-overlay', 'kustomization.yaml'), overlay);
    const r = await kubectl(['kustomize', join(root, 'my-overlay')]);
    expect(r.code, r.stderr).to.equal(0);
    const c = webhookContainer(only(parseObjects(r.stdout, 'overlay'), 'Deployment'));
    expect(c.image).to.equal(`registry.example.com/nifi-ca-guard:${VERSION}`);
    expect(envMap(c).get('NIFI_CA_GUARD_INIT_IMAGE')).to.equal(c.image);
  });
});
