// Pure inputs for the TLS planner's tests: a mint with pre-generated keys and counted serials, the
// Secret a plan leads to, and a driver that applies plans as the I/O edge would (pinned clock).
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { issueCa, issueLeaf, type KeyPairPem } from '../../../src/tls/issue.js';
import { planTls, type Mint, type TlsPlan, type TlsTiming } from '../../../src/cluster/tls-plan.js';
import type { SecretView } from '../../../src/cluster/tls-state.js';
import { serviceDnsNames } from '../../../src/tls/names.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
export const T0 = new Date('2026-03-01T12:00:00.000Z');
export const NAMES = serviceDnsNames('nifi-ca-guard', 'nifi-ca-guard');
export const TIMING: TlsTiming = {
  caValidityMs: 365 * DAY,
  certValidityMs: 150 * DAY,
  caRenewBeforeMs: 30 * DAY,
  certRenewBeforeMs: 15 * DAY,
  rolloutDelayMs: 2 * MINUTE,
};

const gen = promisify(generateKeyPair);
let caKeys: KeyPairPem[] = [];
let leafKeys: KeyPairPem[] = [];

/** Four CA keys and two serving keys, made once: at most three CAs meet in one scenario, so none shares a key. */
export async function makeKeys(): Promise<void> {
  if (caKeys.length > 0) return;
  const one = () => gen('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const all = await Promise.all([one(), one(), one(), one(), one(), one()]);
  caKeys = all.slice(0, 4);
  leafKeys = all.slice(4);
}

// Counted across the whole run: no two certificates share a serial, and consecutive CAs never share a key.
let ca = 0;
let leaf = 0;
let serial = 0;

/** Keys round-robin, serials counted. */
export function testMint(): Mint & { calls: string[] } {
  const random = (n: number): Buffer => {
    const b = Buffer.alloc(n);
    b.writeUInt32BE(++serial, n - 4);
    return b;
  };
  const calls: string[] = [];
  return {
    calls,
    ca: (now, validityMs) => {
      calls.push('ca');
      return issueCa(now, { commonName: `test CA ${now.toISOString()} #${ca}`, validityMs, keys: caKeys[ca++ % caKeys.length]!, random });
    },
    leaf: (now, c, dnsNames, validityMs, notAfterCap) => {
      calls.push('leaf');
      return issueLeaf(now, c, { dnsNames, validityMs, notAfterCap, keys: leafKeys[leaf++ % leafKeys.length]!, random });
    },
  };
}

/** The Secret after the edge wrote a plan's Secret (managed annotations set or removed, others kept). */
export function applySecret(before: SecretView | undefined, plan: TlsPlan): SecretView | undefined {
  if (!plan.secret) return before;
  const annotations: Record<string, string> = { ...(before?.annotations ?? {}) };
  for (const [k, v] of Object.entries(plan.secret.annotations)) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  return { data: { ...plan.secret.data }, annotations };
}

export function applyBundles(before: readonly string[] | undefined, plan: TlsPlan): string[] | undefined {
  if (!before) return undefined;
  return before.map((b, i) => (plan.patch.includes(i) ? plan.caBundle : b));
}

export interface World {
  now: Date;
  secret: SecretView | undefined;
  caBundles: string[] | undefined;
}

/** Plans and applies (Secret, then caBundles) until a plan writes nothing; at most 10 steps. */
export function converge(world: World, mint: Mint, timing: TlsTiming = TIMING): { world: World; plans: TlsPlan[] } {
  const plans: TlsPlan[] = [];
  let w = world;
  for (let i = 0; i < 10; i++) {
    const plan = planTls({ now: w.now, secret: w.secret, caBundles: w.caBundles, dnsNames: NAMES, timing, mint });
    plans.push(plan);
    if (!plan.secret && plan.patch.length === 0) return { world: w, plans };
    w = { now: w.now, secret: applySecret(w.secret, plan), caBundles: applyBundles(w.caBundles, plan) };
  }
  throw new Error('did not converge in 10 steps');
}

export const at = (ms: number): Date => new Date(T0.getTime() + ms);
