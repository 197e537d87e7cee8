// The NiFiTrustPolicy CRD's schema against the validator: described everywhere (kubectl explain),
// defaulted with the validator's own defaults, and never refusing what the validator accepts.
// test/e2e/s10-crd-schema.e2e.ts holds the same table to the real kube-apiserver.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { CrdSchema } from '../../../src/install/crd-schema.js';
import { nifiTrustPolicyCrd } from '../../../src/install/crd.js';
import { DEFAULT_SPEC } from '../../../src/policy/defaults.js';
import { validatePolicy } from '../../../src/policy/validate.js';
import { schemaNodes, schemaProblems, withDefaults } from '../../support/crd-schema.js';
import { repoPath } from '../../support/paths.js';
import { POLICY_DOCUMENTS, policyDocument } from '../../support/policy-documents.js';

interface PrinterColumn { name: string; type: string; jsonPath: string }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const version = (): any => (nifiTrustPolicyCrd().spec as any).versions[0];
const root = (): CrdSchema => version().schema.openAPIV3Schema as CrdSchema;
const node = (path: string): CrdSchema | undefined => schemaNodes(root(), '').find((n) => n.path === path)?.schema;

/** The DEFAULT_SPEC value at a schema path such as `.spec.placement.mode`. */
function validatorDefault(path: string): unknown {
  return path.split('.').slice(2).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], DEFAULT_SPEC);
}

/** Scalar and list paths of DEFAULT_SPEC, as schema paths (`.spec.x.y`). */
function defaultLeaves(value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
  return Object.entries(value).flatMap(([k, v]) => defaultLeaves(v, `${path}.${k}`));
}

/** Validator defaults the schema leaves out, and why. Every other one is a schema default. */
const NOT_DEFAULTED: Record<string, string> = {
  '.spec.trustBundle.initContainer.image': "the install's --init-image, not a constant",
  '.spec.trustBundle.password.secretName': 'a Secret or a value: a filled-in one would make the other one "both"',
  '.spec.trustBundle.password.value': 'a Secret or a value: a filled-in one would make the other one "both"',
  '.spec.trustBundle.merge.after': 'required with merge: no default to show',
  '.spec.trustBundle.merge.volume': 'required with merge: no default to show',
  '.spec.trustBundle.merge.store': 'required with merge: no default to show',
  '.spec.trustBundle.merge.passwordFile': 'empty means not set',
  '.spec.trustBundle.merge.passwordKey': 'empty means not set',
  '.spec.caPinning.initContainer.image': 'follows trustBundle.initContainer',
  '.spec.caPinning.initContainer.imagePullPolicy': 'follows trustBundle.initContainer',
  '.spec.caPinning.initContainer.resources.requests.cpu': 'follows trustBundle.initContainer',
  '.spec.caPinning.initContainer.resources.requests.memory': 'follows trustBundle.initContainer',
  '.spec.caPinning.initContainer.resources.limits.cpu': 'follows trustBundle.initContainer',
  '.spec.caPinning.initContainer.resources.limits.memory': 'follows trustBundle.initContainer',
};

/** The path of the nearest node at or above `path` with a default other than `{}`. */
function defaultedAt(path: string): string | undefined {
  for (let p = path; p.includes('.'); p = p.slice(0, p.lastIndexOf('.'))) {
    const d = node(p)?.default;
    if (d !== undefined && !isDeepStrictEqual(d, {})) return p;
  }
  return undefined;
}

const has = (value: unknown, path: string): boolean =>
  path.split('.').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value) !== undefined;

describe('NiFiTrustPolicy CRD schema (src/install/crd-schema.ts, crd-status-schema.ts)', () => {
  describe('descriptions: kubectl explain reads like the README', () => {
    it('every property below the root has a description (metadata: only its type, as the API server requires)', () => {
      const missing = schemaNodes(root(), '')
        .filter((n) => n.path !== '.metadata' && !(n.schema.description ?? '').trim())
        .map((n) => n.path || '(root)');
      expect(missing).to.deep.equal([]);
      expect(node('.metadata')).to.deep.equal({ type: 'object' });
    });

    it("every field of the README's policy reference is a described schema field", () => {
      const readme = readFileSync(repoPath('README.md'), 'utf8');
      const table = readme.slice(readme.indexOf('### Reference'), readme.indexOf('### Changing the policy'));
      const fields = [...table.matchAll(/^\| (`spec\.[^|]+) \|/gm)].flatMap((m) => {
        const names = [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!);
        const parent = names[0]!.slice(0, names[0]!.lastIndexOf('.'));
        return names.map((n) => (n.startsWith('spec.') ? n : `${parent}.${n}`));
      });
      expect(fields.length, 'README reference rows').to.be.greaterThan(30);
      const undescribed = fields.filter((f) => !node(`.${f}`)?.description);
      expect(undescribed).to.deep.equal([]);
    });

    it('a defaulted scalar says its default (kubectl explain does not print `default`)', () => {
      const silent = schemaNodes(root(), '')
        .filter((n) => ['string', 'integer', 'boolean'].includes(n.schema.type ?? '') && n.schema.default !== undefined)
        .filter((n) => !n.schema.description.includes(`Default: ${String(n.schema.default)}.`))
        .map((n) => n.path);
      expect(silent).to.deep.equal([]);
    });
  });

  describe('defaults: the validator\'s, value by value', () => {
    it('every schema default equals DEFAULT_SPEC at its path; objects default to {} only, so their fields default', () => {
      const rows = schemaNodes(root(), '')
        .filter((n) => n.schema.default !== undefined)
        .map((n) => ({ path: n.path, schema: n.schema.default, validator: isDeepStrictEqual(n.schema.default, {}) && n.schema.type === 'object' ? {} : validatorDefault(n.path) }));
      expect(rows.length, 'defaulted fields').to.be.greaterThan(25);
      expect(rows.filter((r) => !isDeepStrictEqual(r.schema, r.validator))).to.deep.equal([]);
      expect(rows.filter((r) => /\[\]|\.\*/.test(r.path)), 'defaults inside lists or maps').to.deep.equal([]);
    });

    it('every validator default is a schema default, or is left out for a stated reason', () => {
      const leaves = defaultLeaves(DEFAULT_SPEC, '.spec');
      const undecided = leaves.filter((p) => defaultedAt(p) === undefined && NOT_DEFAULTED[p] === undefined);
      expect(undecided).to.deep.equal([]);
      const contradicted = Object.keys(NOT_DEFAULTED).filter((p) => defaultedAt(p) !== undefined || !leaves.includes(p));
      expect(contradicted).to.deep.equal([]);
    });

    it('a document without a spec, defaulted, shows every default but merge\'s (set only with wiring merge)', () => {
      const stored = withDefaults(policyDocument({ name: '', spec: undefined, validator: 'accepts', schema: 'accepts' }, 'p'), root());
      const absent = schemaNodes(root(), '')
        .map((n) => n.path)
        .filter((p) => p.startsWith('.spec') && node(p)?.default !== undefined && !p.startsWith('.spec.trustBundle.merge.') && !has(stored, p));
      expect(absent).to.deep.equal([]);
      expect(node('.spec.trustBundle.merge')?.default, 'merge under env wiring is an error').to.equal(undefined);
    });
  });

  describe('schema and validator over the table of documents (test/support/policy-documents.ts)', () => {
    it('holds no case the validator accepts and the schema refuses', () => {
      expect(POLICY_DOCUMENTS.filter((c) => c.validator === 'accepts' && c.schema === 'refuses').map((c) => c.name)).to.deep.equal([]);
      expect(new Set(POLICY_DOCUMENTS.map((c) => c.name)).size).to.equal(POLICY_DOCUMENTS.length);
    });

    for (const c of POLICY_DOCUMENTS) {
      it(`${c.name}: validator ${c.validator}, schema ${c.schema}; the API server's defaults change nothing`, () => {
        const doc = policyDocument(c, 'p');
        const stored = withDefaults(doc, root());
        const v = validatePolicy(doc);
        expect(v.ok ? 'accepts' : 'refuses', v.ok ? '' : v.issues.join('; ')).to.equal(c.validator);
        const problems = schemaProblems(stored, root(), '');
        expect(problems.length === 0 ? 'accepts' : 'refuses', problems.join('; ')).to.equal(c.schema);
        // What the webhook reads from the API server (defaults filled in) means what was written.
        const fromServer = validatePolicy(stored);
        expect(fromServer.ok, fromServer.ok ? '' : fromServer.issues.join('; ')).to.equal(v.ok);
        if (v.ok && fromServer.ok) expect(fromServer.policy).to.deep.equal(v.policy);
      });
    }
  });

  describe('status and printer columns', () => {
    it('READY and REASON come first, from the Ready condition; every spec column is backed by a schema default', () => {
      const columns = version().additionalPrinterColumns as PrinterColumn[];
      expect(columns.slice(0, 2)).to.deep.equal([
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
      ]);
      expect(columns.map((c) => c.name)).to.deep.equal(['Ready', 'Reason', 'Namespaces', 'Placement', 'Format', 'Enforcement', 'Age']);
      const blank = columns.filter((c) => c.jsonPath.startsWith('.spec.') && node(c.jsonPath)?.default === undefined).map((c) => c.name);
      expect(blank).to.deep.equal([]);
    });

    it('the status subresource is on, conditions are a list keyed by type', () => {
      expect(version().subresources).to.deep.equal({ status: {} });
      const conditions = node('.status.conditions')!;
      expect(conditions['x-kubernetes-list-type']).to.equal('map');
      expect(conditions['x-kubernetes-list-map-keys']).to.deep.equal(['type']);
      expect(Object.keys(node('.status')!.properties!)).to.deep.equal(['observedGeneration', 'inForceGeneration', 'conditions']);
    });

    const t = '2026-01-02T03:04:05Z';
    const statuses: Array<{ name: string; status: unknown; accepted: boolean }> = [
      {
        name: 'Ready True and TrustSecretsFound False',
        status: {
          observedGeneration: 3,
          inForceGeneration: 2,
          conditions: [
            { type: 'Ready', status: 'False', reason: 'Invalid', message: 'spec.placement.weight: must be an integer from 1 to 100; generation 2 stays in force', observedGeneration: 3, lastTransitionTime: t },
            { type: 'TrustSecretsFound', status: 'Unknown', reason: 'NotKnown', message: '', observedGeneration: 3, lastTransitionTime: t },
          ],
        },
        accepted: true,
      },
      ...['InForce', 'Conflict', 'Found', 'TrustSecretMissing'].map((reason) => ({
        name: `reason ${reason}`,
        status: { conditions: [{ type: 'Ready', status: 'True', reason, message: 'm', lastTransitionTime: t }] },
        accepted: true,
      })),
      { name: 'a reason with a space', status: { conditions: [{ type: 'Ready', status: 'True', reason: 'In Force', message: '', lastTransitionTime: t }] }, accepted: false },
      { name: 'status yes', status: { conditions: [{ type: 'Ready', status: 'yes', reason: 'InForce', message: '', lastTransitionTime: t }] }, accepted: false },
      { name: 'a condition without a reason', status: { conditions: [{ type: 'Ready', status: 'True', message: '', lastTransitionTime: t }] }, accepted: false },
      { name: 'a message over 32768 characters', status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Invalid', message: 'x'.repeat(32769), lastTransitionTime: t }] }, accepted: false },
      { name: 'a negative generation', status: { observedGeneration: -1 }, accepted: false },
    ];
    for (const s of statuses) {
      it(`status: ${s.name} is ${s.accepted ? 'accepted' : 'refused'}`, () => {
        expect(schemaProblems(s.status, node('.status')!, '.status').length === 0).to.equal(s.accepted);
      });
    }
  });
});
