// Placement evidence: which pods the real scheduler bound to which nodes (spec.nodeName).
import { expect } from 'chai';
import { pods, type Pod } from './cluster.js';
import { eventually, type EventuallyOptions } from './wait.js';

export interface Snapshot {
  nifi: Pod[];
  ca: Pod[];
  /** Nodes that host both a nifi-ca pod and a NiFi pod. */
  shared: string[];
}

export async function snapshot(namespace: string): Promise<Snapshot> {
  const all = await pods(namespace);
  const nifi = all.filter((p) => p.metadata.labels?.app === 'nifi');
  const ca = all.filter((p) => p.metadata.labels?.app === 'nifi-ca');
  const nifiNodes = new Set(nifi.map((p) => p.spec.nodeName).filter(Boolean));
  const shared = [...new Set(ca.map((p) => p.spec.nodeName).filter((n): n is string => !!n && nifiNodes.has(n)))];
  return { nifi, ca, shared };
}

export function describeSnapshot(s: Snapshot): string {
  const fmt = (p: Pod): string => `${p.metadata.name}@${p.spec.nodeName ?? '<pending>'}`;
  return [...s.ca, ...s.nifi].map(fmt).join(', ');
}

export function expectApart(s: Snapshot): void {
  expect(s.shared, `nifi-ca and NiFi pods share node(s): ${describeSnapshot(s)}`).to.deep.equal([]);
}

/**
 * Polls until `done(snapshot)` holds, asserting on every snapshot seen on the way that nifi-ca and
 * NiFi pods never share a node.
 */
export async function waitApart(
  namespace: string,
  what: string,
  done: (s: Snapshot) => boolean,
  opts: EventuallyOptions = {},
): Promise<Snapshot> {
  let violation: Snapshot | undefined;
  const s = await eventually(what, async () => {
    const snap = await snapshot(namespace);
    if (snap.shared.length > 0) {
      violation = snap; // stop polling at once: the invariant is broken
      return snap;
    }
    return done(snap) ? snap : undefined;
  }, { timeoutMs: 90_000, ...opts });
  if (violation) expectApart(violation);
  return s;
}

export function nodeOf(p: Pod | undefined): string {
  const n = p?.spec.nodeName;
  if (!n) throw new Error(`pod ${p?.metadata.name ?? '<none>'} is not bound`);
  return n;
}
