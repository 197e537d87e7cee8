// The policy ConfigMap: the user's policy file. The init containers it injects run the webhook's own
// image through the Deployment's NIFI_CA_GUARD_INIT_IMAGE (kept equal to its image by kustomize and
// the chart), so the text itself names no image; one the file names is pinned to the webhook's.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, parseAllDocuments, stringify, type Document } from 'yaml';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { labels, POLICY_CONFIGMAP, POLICY_KEY } from './names.js';
import type { KubeObject } from './types.js';

/** A validated policy and the text it was read from. */
export interface PolicySource {
  policy: Policy;
  text: string;
}

/** The fields that name an init container's image, as paths into the document. */
export const IMAGE_PATHS: readonly (readonly string[])[] = Object.freeze([
  ['spec', 'trustBundle', 'initContainer', 'image'],
  ['spec', 'caPinning', 'initContainer', 'image'],
]);

export interface PinnedPolicy {
  /** The policy text with the image fields it names set; comments and layout kept where the file had them. */
  text: string;
  policy: Policy;
  /** Image fields the file set to another image: what was replaced. */
  replaced: Array<{ path: string; was: string }>;
}

/**
 * Sets the init-container images a validated policy's text names to `image`. An image field left out
 * stays out: the webhook fills in its own image (serve --init-image), which follows the Deployment's.
 */
export function pinImages(source: PolicySource, image: string): PinnedPolicy {
  const docs = parseAllDocuments(source.text).filter((d) => d.contents !== null);
  const doc = docs[0];
  if (docs.length !== 1 || !doc || doc.errors.length > 0) throw new Error('pinImages: the policy text must be one valid YAML document');
  const js = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const named = IMAGE_PATHS.filter((path) => getIn(js, path) !== undefined);
  const replaced = named.flatMap((path) => {
    const was = getIn(js, path);
    return typeof was === 'string' && was !== image ? [{ path: path.join('.'), was }] : [];
  });
  if (replaced.length === 0) return { text: source.text, policy: source.policy, replaced };
  // Edit the document itself, so the file's comments stay. A JSON file has none, and an alias on the
  // way to an image field is shared with another field: such a file is written out afresh instead.
  const fresh = rewritten(js, image, named);
  const text = !isFlowRoot(doc) && named.every((path) => setIn(doc, path, image)) ? doc.toString({ lineWidth: 0 }) : fresh;
  return { text, policy: checkPinned(source.policy.name, text, fresh), replaced };
}

/** The ConfigMap `serve --policy` reads (mounted as a file, watched live). */
export function policyConfigMap(namespace: string, policyText: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: POLICY_CONFIGMAP, namespace, labels: labels() },
    data: { [POLICY_KEY]: policyText },
  };
}

function getIn(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function isFlowRoot(doc: Document): boolean {
  return isMap(doc.contents) && doc.contents.flow === true;
}

/** Sets a scalar at `path`, creating missing or empty (`key:`) maps; false when the way is not plain maps. */
function setIn(doc: Document, path: readonly string[], value: string): boolean {
  let node: unknown = doc.contents;
  for (const key of path.slice(0, -1)) {
    if (!isMap(node)) return false;
    let child: unknown = node.get(key, true);
    if (child === undefined || (isScalar(child) && child.value === null)) {
      child = doc.createNode({});
      node.set(key, child);
    }
    node = child;
  }
  if (!isMap(node)) return false;
  node.set(path[path.length - 1]!, value);
  return true;
}

function rewritten(js: unknown, image: string, paths: readonly (readonly string[])[]): string {
  const copy = structuredClone(js) as Record<string, unknown>;
  for (const path of paths) {
    let v: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      const next = v[key];
      if (next === null || next === undefined) v[key] = {};
      v = v[key] as Record<string, unknown>;
    }
    v[path[path.length - 1]!] = image;
  }
  return stringify(copy, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The edited text must read back as the same policy as the plain rewrite: only the images changed. */
function checkPinned(name: string, text: string, fresh: string): Policy {
  const read = (t: string) => {
    const docs = parseAllDocuments(t).filter((d) => d.contents !== null);
    return docs.length === 1 ? validatePolicy(docs[0]!.toJS({ maxAliasCount: 100 })) : undefined;
  };
  const edited = read(text);
  const expected = read(fresh);
  if (!edited?.ok || !expected?.ok || edited.policy.name !== name || !isDeepStrictEqual(edited.policy, expected.policy)) {
    throw new Error(`pinning the init-container images changed more than the images of policy ${name}`);
  }
  return edited.policy;
}
