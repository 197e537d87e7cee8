// hack/release-manifest.sh (make release-manifest): the kustomize base as one file for `kubectl apply -f`,
// image pinned to the version, objects in the order kubectl must create them.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../src/install/types.js';
import { VERSION } from '../../src/version.js';
import { repoPath } from '../support/paths.js';
import { run } from '../support/run.js';
import { fieldsNamed, kustomize, only, parseObjects, requireTools, scratch } from './support/tools.js';
import { envMap, webhookContainer } from './support/webhook-pod.js';

const SCRIPT = repoPath('hack', 'release-manifest.sh');
const CLUSTER_SCOPED = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'];
/** What must exist before what: a kind's position may not come before any kind listed ahead of it. */
const APPLY_ORDER = ['CustomResourceDefinition', 'Namespace', 'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget', 'NetworkPolicy', 'MutatingWebhookConfiguration'];

async function release(repository?: string): Promise<{ text: string; objects: KubeObject[]; stderr: string }> {
  const out = join(scratch('release'), 'install.yaml');
  const r = await run('bash', [SCRIPT, out], repository ? { RELEASE_REPOSITORY: repository } : {});
  expect(r.code, r.stderr).to.equal(0);
  const text = readFileSync(out, 'utf8');
  return { text, objects: parseObjects(text, out), stderr: r.stderr };
}

describe('release manifest: one install.yaml', () => {
  before(requireTools);

  for (const repository of [undefined, 'registry.example.com:5000/team/nifi-ca-guard']) {
    const image = `${repository ?? 'nifi-ca-guard'}:${VERSION}`;
    describe(repository ? `RELEASE_REPOSITORY=${repository}` : 'default repository', () => {
      let rel: Awaited<ReturnType<typeof release>>;
      before(async () => {
        rel = await release(repository);
      });

      it('opens with a comment naming the version, the image and how to apply it', () => {
        const header = rel.text.split('\n').filter((l) => l.startsWith('#')).slice(0, 3).join('\n');
        expect(header).to.contain(`nifi-ca-guard ${VERSION}`).and.contain(image).and.contain('kubectl apply -f install.yaml');
        expect(rel.stderr).to.match(/^release-manifest: wrote .*install\.yaml/m);
        expect(rel.stderr).to.not.contain('deprecated');
      });

      it('holds what kubectl kustomize manifests/ renders, CRD first, webhook configuration last, in apply order', async () => {
        const keys = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
        expect(keys(rel.objects)).to.deep.equal(keys(await kustomize()));
        const kinds = rel.objects.map((o) => o.kind);
        expect(kinds[0]).to.equal('CustomResourceDefinition');
        expect(kinds[1]).to.equal('Namespace');
        expect(kinds[kinds.length - 1]).to.equal('MutatingWebhookConfiguration');
        const rank = kinds.map((k) => APPLY_ORDER.indexOf(k));
        expect(rank, `a kind outside ${APPLY_ORDER.join(', ')}: ${kinds.join(', ')}`).to.not.include(-1);
        expect(rank).to.deep.equal([...rank].sort((a, b) => a - b));
        // Namespaced objects live in the install's namespace, but the Role and RoleBinding for Events about the
        // cluster-scoped policies: the API server takes those in `default` only.
        const expected = (o: KubeObject) => (CLUSTER_SCOPED.includes(o.kind) ? undefined : o.metadata.name === 'nifi-ca-guard-events' ? 'default' : 'nifi-ca-guard');
        for (const o of rel.objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).to.equal(expected(o));
      });

      it('has no empty caBundle', () => {
        const found = fieldsNamed(rel.objects, 'caBundle');
        expect(found.filter((f) => f.value === '' || typeof f.value !== 'string').map((f) => f.path)).to.deep.equal([]);
      });

      it(`runs ${image} for the webhook and the init containers, and names no other nifi-ca-guard image`, () => {
        const c = webhookContainer(only(rel.objects, 'Deployment'));
        expect(c.image).to.equal(image);
        expect(envMap(c).get('NIFI_CA_GUARD_INIT_IMAGE')).to.equal(image);
        // The policy text, too: an init-container image there would override the pinned one.
        const refs = rel.text.split('\n').filter((l) => !l.startsWith('#')).join('\n').match(/[\w.:/-]*nifi-ca-guard:[\w.@:-]+/g) ?? [];
        expect(new Set(refs)).to.deep.equal(new Set([image]));
      });
    });
  }

  it('refuses a repository with a tag, in one line', async () => {
    const r = await run('bash', [SCRIPT, join(scratch('release'), 'install.yaml')], { RELEASE_REPOSITORY: 'nifi-ca-guard:latest' });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.deep.equal([
      "release-manifest: RELEASE_REPOSITORY must be an image repository without tag, e.g. registry.example.com/nifi-ca-guard, got 'nifi-ca-guard:latest'",
    ]);
  });
});
