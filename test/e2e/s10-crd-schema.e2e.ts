// The NiFiTrustPolicy CRD (manifests/crd, applied by the root hooks) on the real kube-apiserver 1.20:
// kubectl explain prints its descriptions, the API server takes every document the validator takes
// and fills in the validator's defaults (so `kubectl get ntp` columns are not blank), and status is a
// subresource with READY and REASON columns. The webhook does not watch policies here, so the objects
// this spec stores govern nothing.
import { expect } from 'chai';
import { isDeepStrictEqual } from 'node:util';
import type { CrdSchema } from '../../src/install/crd-schema.js';
import { nifiTrustPolicyCrd } from '../../src/install/crd.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { schemaNodes, withDefaults } from '../support/crd-schema.js';
import { POLICY_DOCUMENTS, policyDocument } from '../support/policy-documents.js';
import { getJson, kubectl, kubectlOk } from './support/kubectl.js';
import { rawRequest } from './support/raw.js';
import { ensureWebhook, POLICY_REQUIRED } from './support/suite.js';
import { eventually } from './support/wait.js';

const NAME = 'e2e-crd-schema';
const STATUS_PATH = `/apis/nifi-ca-guard.io/v1alpha1/nifitrustpolicies/${NAME}/status`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root = (): CrdSchema => (nifiTrustPolicyCrd().spec as any).versions[0].schema.openAPIV3Schema as CrdSchema;
const words = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `kubectl get ntp NAME` as header -> cell, cut at the header's column positions (cells may be blank). */
async function columns(name: string): Promise<Record<string, string>> {
  const [header, row] = (await kubectlOk(['get', 'nifitrustpolicies', name])).split('\n');
  const starts = [...header!.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return Object.fromEntries(starts.map((c, i) => [c.name, row!.slice(c.at, starts[i + 1]?.at).trim()]));
}

interface Stored { metadata: { generation: number }; spec: Record<string, unknown>; status?: Record<string, unknown> }

describe('e2e: the NiFiTrustPolicy CRD schema on kube-apiserver 1.20', function () {
  this.timeout(180_000);

  before(async () => {
    await ensureWebhook(POLICY_REQUIRED);
    await kubectlOk(['wait', '--for=condition=Established', 'crd/nifitrustpolicies.nifi-ca-guard.io', '--timeout=60s']);
  });

  after(async () => {
    await kubectl(['delete', 'nifitrustpolicy', NAME, '--ignore-not-found']);
  });

  for (const field of ['placement', 'trustBundle']) {
    it(`kubectl explain nifitrustpolicy.spec.${field} prints the description of it and of each of its fields`, async () => {
      const schema = schemaNodes(root(), '').find((n) => n.path === `.spec.${field}`)!.schema;
      // The API server publishes a new CRD's OpenAPI a few seconds after it is established.
      const out = await eventually(`kubectl explain to know spec.${field}`, async () => {
        const r = await kubectl(['explain', `nifitrustpolicy.spec.${field}`]);
        return r.code === 0 && r.stdout.includes('FIELDS') ? words(r.stdout) : undefined;
      }, { timeoutMs: 30_000 });
      const missing = [schema, ...Object.values(schema.properties!)].map((s) => words(s.description)).filter((d) => !out.includes(d));
      expect(missing).to.deep.equal([]);
    });
  }

  it('takes every document the validator takes, refuses or lets through the others as the table says, and defaults them as the unit tests assume', async () => {
    const wrong: string[] = [];
    for (const [i, c] of POLICY_DOCUMENTS.entries()) {
      // --validate=false: the API server's own verdict, not kubectl's client-side one.
      const r = await kubectl(['create', '--dry-run=server', '--validate=false', '-o', 'json', '-f', '-'], { input: JSON.stringify(policyDocument(c, `${NAME}-${i}`)) });
      const verdict = r.code === 0 ? 'accepts' : 'refuses';
      if (verdict !== c.schema) {
        wrong.push(`${c.name}: API server ${verdict}, table says ${c.schema}: ${r.stderr.trim()}`);
        continue;
      }
      if (r.code !== 0) continue;
      const stored = JSON.parse(r.stdout) as Stored;
      const expected = withDefaults(policyDocument(c, `${NAME}-${i}`), root()) as Stored;
      if (!isDeepStrictEqual(stored.spec, expected.spec)) {
        wrong.push(`${c.name}: stored spec ${JSON.stringify(stored.spec)}, expected ${JSON.stringify(expected.spec)}`);
      }
      // What the webhook reads back means what was written.
      const written = validatePolicy(policyDocument(c, `${NAME}-${i}`));
      const read = validatePolicy({ ...stored, status: undefined });
      if (read.ok !== written.ok || (read.ok && written.ok && !isDeepStrictEqual(read.policy.spec, written.policy.spec))) {
        wrong.push(`${c.name}: the validator reads the stored object differently (${read.ok ? 'ok' : read.issues.join('; ')})`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('a stored policy shows its defaults in `kubectl get ntp`, after the READY and REASON columns', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(policyDocument({ name: '', spec: { namespaces: ['e2e-crd-schema-unclaimed'] }, validator: 'accepts', schema: 'accepts' }, NAME)) });
    const cells = await columns(NAME);
    expect(Object.keys(cells)).to.deep.equal(['NAME', 'READY', 'REASON', 'NAMESPACES', 'PLACEMENT', 'FORMAT', 'ENFORCEMENT', 'AGE']);
    expect(cells).to.deep.include({ NAME, READY: '', REASON: '', PLACEMENT: 'required', FORMAT: 'pkcs12', ENFORCEMENT: 'enforce' });
    expect(cells.NAMESPACES).to.include('e2e-crd-schema-unclaimed');
  });

  it('status is a subresource: written through /status it shows as READY and REASON; spec edits bump the generation, status writes do not', async () => {
    const before = await getJson<Stored>(['nifitrustpolicy', NAME]);
    const condition = { type: 'Ready', status: 'False', reason: 'Invalid', message: 'spec.placement.weight: must be an integer from 1 to 100', observedGeneration: before.metadata.generation, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    await rawRequest('PATCH', STATUS_PATH, { status: { observedGeneration: before.metadata.generation, conditions: [condition] } }, 'application/merge-patch+json');
    const cells = await columns(NAME);
    expect(cells).to.deep.include({ READY: 'False', REASON: 'Invalid' });
    const afterStatus = await getJson<Stored>(['nifitrustpolicy', NAME]);
    expect(afterStatus.metadata.generation).to.equal(before.metadata.generation);

    // A spec edit through the main resource bumps the generation and leaves the status alone.
    await kubectlOk(['patch', 'nifitrustpolicy', NAME, '--type=merge', '-p', JSON.stringify({ spec: { placement: { mode: 'preferred' } }, status: { observedGeneration: 99 } })]);
    const edited = await getJson<Stored>(['nifitrustpolicy', NAME]);
    expect(edited.metadata.generation).to.equal(before.metadata.generation + 1);
    expect(edited.status?.observedGeneration).to.equal(before.metadata.generation);

    // The status schema holds on the server too: a reason that is not one CamelCase word is refused.
    const bad = { ...condition, reason: 'not valid' };
    const refused = await rawRequest('PATCH', STATUS_PATH, { status: { conditions: [bad] } }, 'application/merge-patch+json').then(() => '', (err: Error) => err.message);
    expect(refused).to.match(/HTTP 422: .*reason/);
  });
});
