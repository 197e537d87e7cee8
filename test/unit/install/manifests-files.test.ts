// The install in code (src/install) and the install in files (manifests/) are the same objects, so
// `kubectl apply -k manifests/` and `nifi-ca-guard manifests` with the default policy cannot drift.
import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { nifiTrustPolicyCrd } from '../../../src/install/crd.js';
import { renderInstall } from '../../../src/install/render.js';
import type { KubeObject } from '../../../src/install/types.js';
import { DEFAULT_IMAGE, DEFAULT_SPEC } from '../../../src/policy/defaults.js';
import { builtinPolicy, parsePolicyText } from '../../../src/policy/load.js';
import { repoPath } from '../../support/paths.js';
import { DEFAULT_POLICY_TEXT } from '../../support/policy.js';

/**
 * The objects a kustomization directory installs: its `bases` and `resources` (files or directories),
 * read as kustomize v2 reads them. Any other field (a namespace, patches, common labels) would change
 * the objects, which this reader does not do: such a field fails the test rather than be ignored.
 */
function kustomization(dir: string): KubeObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(k), `${dir}/kustomization.yaml: fields this reader understands`).to.satisfy((keys: string[]) =>
    keys.every((key) => ['apiVersion', 'kind', 'bases', 'resources', 'configurations'].includes(key)));
  const objects: KubeObject[] = [];
  for (const entry of [...((k.bases as string[] | undefined) ?? []), ...((k.resources as string[] | undefined) ?? [])]) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...kustomization(path));
    else {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        expect(doc.errors, path).to.be.empty;
        if (doc.contents !== null) objects.push(doc.toJS() as KubeObject);
      }
    }
  }
  return objects;
}

interface Schema {
  type: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
}

const TYPES: Record<string, string[]> = { string: ['string'], boolean: ['boolean'], number: ['integer', 'number'], object: ['object'] };

/** Paths of the policy (every field, as the defaults spell them) its schema lacks, or types it does not match. */
function undeclared(value: unknown, schema: Schema, path: string): string[] {
  if (Array.isArray(value)) {
    if (schema.type !== 'array') return [`${path}: array, schema says ${schema.type}`];
    return value.flatMap((v, i) => undeclared(v, schema.items!, `${path}[${i}]`));
  }
  if (!TYPES[typeof value]?.includes(schema.type)) return [`${path}: ${typeof value}, schema says ${schema.type}`];
  if (value === null || typeof value !== 'object' || schema.additionalProperties) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    schema.properties?.[k] ? undeclared(v, schema.properties[k]!, `${path}.${k}`) : [`${path}.${k}: not in the schema`]);
}

/** Object fields the schema declares that the policy does not have. */
function unknown(schema: Schema, value: unknown, path: string): string[] {
  if (!schema.properties || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(schema.properties).flatMap(([k, s]) =>
    k in value ? unknown(s, (value as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}: not a policy field`]);
}

const key = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The ConfigMap's policy text compared as the object it holds (comments and layout aside). */
function comparable(o: KubeObject): unknown {
  const c = structuredClone(o) as KubeObject & { data?: Record<string, string> };
  if (c.kind === 'ConfigMap' && c.data) c.data = Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, parse(v) as unknown])) as never;
  return c;
}

describe('install: the code and manifests/ are the same objects', () => {
  it('src/install/crd.ts is manifests/crd/nifitrustpolicies.yaml', () => {
    const file = parse(readFileSync(repoPath('manifests', 'crd', 'nifitrustpolicies.yaml'), 'utf8')) as unknown;
    expect(nifiTrustPolicyCrd()).to.deep.equal(file);
  });

  it("the CRD declares every policy field (the API server prunes what its schema lacks), and no other", () => {
    const schema = (nifiTrustPolicyCrd().spec as any).versions[0].schema.openAPIV3Schema.properties.spec as Schema;
    expect(undeclared(DEFAULT_SPEC, schema, 'spec')).to.deep.equal([]);
    expect(unknown(schema, DEFAULT_SPEC, 'spec')).to.deep.equal([]);
  });

  it('the default policy used below is the built-in one', () => {
    expect(parsePolicyText(DEFAULT_POLICY_TEXT, 'default').spec).to.deep.equal(builtinPolicy().spec);
  });

  it('renderInstall(default policy, default options) is what `kubectl apply -k manifests/` installs, object by object', () => {
    const files = kustomization(repoPath('manifests'));
    const rendered = renderInstall({ policy: parsePolicyText(DEFAULT_POLICY_TEXT, 'default'), text: DEFAULT_POLICY_TEXT }, {
      namespace: 'nifi-ca-guard',
      image: DEFAULT_IMAGE,
    });
    expect(rendered.notes).to.deep.equal([]);
    expect(rendered.objects.map(key).sort()).to.deep.equal(files.map(key).sort());
    for (const file of files) {
      const obj = rendered.objects.find((o) => key(o) === key(file))!;
      expect(comparable(obj), key(file)).to.deep.equal(comparable(file));
    }
  });

  it("manifests/base's kustomize configuration makes `images:` rewrite the init image with the webhook's", () => {
    const config = parse(readFileSync(repoPath('manifests', 'base', 'kustomizeconfig.yaml'), 'utf8')) as unknown;
    expect(config).to.deep.equal({ images: [{ path: 'spec/template/spec/containers/env/value', kind: 'Deployment' }] });
    const deployment = kustomization(repoPath('manifests')).find((o) => o.kind === 'Deployment') as any;
    const [container] = deployment.spec.template.spec.containers;
    expect(container.env).to.deep.include({ name: 'NIFI_CA_GUARD_INIT_IMAGE', value: container.image });
  });

  it("manifests/base runs the version's image (package.json), so a version bump cannot leave it behind", () => {
    const images = kustomization(repoPath('manifests'))
      .flatMap((o) => JSON.stringify(o).match(/nifi-ca-guard:[^"\\]+/g) ?? []);
    expect(images).to.not.be.empty;
    expect(new Set(images)).to.deep.equal(new Set([DEFAULT_IMAGE]));
  });
});
