// The self-managed TLS reconcile as a pure function: the Secret's state, the caBundles the webhook
// configuration holds and the time -> the Secret to write, the caBundle every webhook must hold, and
// when to look again. One step per call; the caller writes, re-reads and calls again until nothing changes.
//
// A CA rotation, with overlap (every step is one Secret write, so a crash anywhere resumes):
//   1. stage:   a next CA joins the bundle (old + next); the caBundles are patched to hold both.
//   2. confirm: once every webhook's caBundle holds the bundle, `ca-switch-after` = now + rollout delay
//               (time for every API server to pick the new caBundle up).
//   3. switch:  after that, the next CA becomes the signing CA and a serving pair signed by it is
//               written; the old CA stays in the bundle, `previous-ca-until` = now + rollout delay
//               (time for every replica to reload the new pair).
//   4. retire:  after that, the previous CA leaves the bundle and the caBundles.
// Before step 3 no replica can serve a certificate the API server does not trust; after step 4 none serves one
// signed by the CA that left. A serving-certificate renewal under the same CA needs no overlap.
import type { CaPem } from '../tls/issue.js';
import { ANNOTATIONS, KEYS, bundlePem, certsOf, readState, type Cert, type SecretView, type TlsState } from './tls-state.js';

export interface TlsTiming {
  caValidityMs: number;
  certValidityMs: number;
  caRenewBeforeMs: number;
  certRenewBeforeMs: number;
  rolloutDelayMs: number;
}

/** Where new certificates come from; tests pass one with fixed keys. */
export interface Mint {
  ca(now: Date, validityMs: number): CaPem;
  leaf(now: Date, ca: CaPem, dnsNames: readonly string[], validityMs: number, notAfterCap: Date): { cert: string; key: string };
}

export interface TlsPlanInput {
  now: Date;
  /** undefined: no such Secret. */
  secret: SecretView | undefined;
  /** The PEM text of each webhook's caBundle ('' when unset); undefined: no such webhook configuration. */
  caBundles: readonly string[] | undefined;
  /** The names the serving certificate must carry (the Service's DNS names). */
  dnsNames: readonly string[];
  timing: TlsTiming;
  mint: Mint;
}

export interface SecretWrite {
  /** The whole data, as text. */
  data: Record<string, string>;
  /** Each managed annotation: its value, or null to remove it. Other annotations are not the planner's. */
  annotations: Record<string, string | null>;
}

export interface TlsPlan {
  /** Write this (create when there was no Secret); undefined: the Secret is as it should be. */
  secret: SecretWrite | undefined;
  /** The PEM every webhook's caBundle must hold (after the write above). */
  caBundle: string;
  /** Indexes of the webhooks whose caBundle does not hold exactly that. */
  patch: number[];
  /** What this step does, one short line each (serials and fingerprints only), for the log. */
  changes: string[];
  /** Why something could not be used or done; for the log (logged when it changes). */
  problems: string[];
  /** When the next step is due if nothing else changes (now, when this step writes). */
  wakeAt: Date;
  /** For logs and tests: `staged` while a next CA is rolling in. */
  rotating: boolean;
}

const fingerprints = (certs: readonly Cert[]): Set<string> => new Set(certs.map((c) => c.fingerprint));
const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
const later = (now: Date, ms: number): Date => new Date(now.getTime() + ms);
const describe = (c: Cert): string => `serial ${c.serial}, SHA-256 ${c.fingerprint}, notAfter ${c.notAfter.toISOString()}`;

export function planTls(input: TlsPlanInput): TlsPlan {
  const { now, timing } = input;
  const state = readState(input.secret, now, input.dnsNames);
  const webhookCerts = input.caBundles?.map(certsOf);
  const problems = [...state.problems];
  if (!input.caBundles) problems.push('webhook configuration not found: caBundles cannot be set');

  // Work on copies of the stored data and annotations; compare at the end.
  const data: Record<string, string> = { ...(input.secret?.data ?? {}) };
  const annotations: Record<string, string | null> = {};
  const stored = input.secret?.annotations ?? {};
  const setAnnotation = (k: string, v: string | null): void => {
    if ((stored[k] ?? null) !== v) annotations[k] = v;
    else delete annotations[k];
  };
  const changes: string[] = [];
  const wakes: Date[] = [];

  const request = state.renew;
  if (request !== undefined) {
    setAnnotation(ANNOTATIONS.renew, null); // consumed, whatever it said
    if (request !== 'ca' && request !== 'leaf') problems.push(`${ANNOTATIONS.renew}: "${request}" is neither ca nor leaf; ignored`);
  }

  let active = state.active;
  let leaf = state.leaf;
  let next = state.next;
  let bundle: Cert[];

  if (!active || !leaf) {
    // Nothing consistent to serve: start over with a new CA at once. What was trusted until now
    // (an older Secret's CAs, the caBundles') stays trusted for one rollout delay, since a replica may
    // still serve a pair it loaded earlier.
    const ca = input.mint.ca(now, timing.caValidityMs);
    const pair = input.mint.leaf(now, ca, input.dnsNames, timing.certValidityMs, certOf(ca.cert).notAfter);
    const kept = uniq([...state.bundle, ...(state.active ? [state.active.cert] : []), ...(state.next ? [state.next.cert] : []), ...(webhookCerts ?? []).flat()])
      .filter((c) => c.x509.ca && c.notAfter > now);
    active = { cert: certOf(ca.cert), key: ca.key };
    leaf = { ...certOf(pair.cert), key: pair.key, sansOk: true };
    next = undefined;
    bundle = [active.cert, ...kept.filter((c) => c.fingerprint !== active!.cert.fingerprint)];
    Object.assign(data, { [KEYS.caCert]: ca.cert, [KEYS.caKey]: ca.key, [KEYS.cert]: pair.cert, [KEYS.key]: pair.key });
    delete data[KEYS.nextCaCert];
    delete data[KEYS.nextCaKey];
    setAnnotation(ANNOTATIONS.switchAfter, null);
    setAnnotation(ANNOTATIONS.previousUntil, bundle.length > 1 ? later(now, timing.rolloutDelayMs).toISOString() : null);
    changes.push(input.secret ? `new CA (nothing usable to keep serving): ${describe(active.cert)}` : `created CA: ${describe(active.cert)}`);
    changes.push(`serving certificate: ${describe(leaf)}`);
  } else {
    // The CAs trusted besides the signing one and the next: kept until `previous-ca-until`.
    const others = state.bundle.filter((c) => c.fingerprint !== active!.cert.fingerprint && c.fingerprint !== next?.cert.fingerprint);
    bundle = [active.cert, ...(next ? [next.cert] : []), ...others];

    if (next) {
      // 2./3. The next CA is rolling in.
      if (request) changes.push(`${ANNOTATIONS.renew}=${request}: a CA rotation is under way; its switch renews the serving certificate`);
      const trusted = webhookCerts !== undefined && webhookCerts.every((certs) => containsAll(certs, [active!.cert, next!.cert]));
      if (!trusted) {
        // Wait for the caBundles (patched below); a confirmation from before they changed no longer holds.
        setAnnotation(ANNOTATIONS.switchAfter, null);
      } else if (!state.switchAfter) {
        const at = later(now, timing.rolloutDelayMs);
        setAnnotation(ANNOTATIONS.switchAfter, at.toISOString());
        changes.push(`every caBundle holds the next CA (serial ${next.cert.serial}); serving certificate switches after ${at.toISOString()}`);
      } else if (now < state.switchAfter) {
        wakes.push(state.switchAfter);
      } else {
        // 3. Switch: sign with the next CA; the old one stays trusted until every replica has reloaded.
        const ca: CaPem = { cert: next.cert.pem, key: next.key };
        const pair = input.mint.leaf(now, ca, input.dnsNames, timing.certValidityMs, next.cert.notAfter);
        const old = active.cert;
        active = { cert: next.cert, key: next.key };
        leaf = { ...certOf(pair.cert), key: pair.key, sansOk: true };
        next = undefined;
        bundle = [active.cert, old, ...others];
        Object.assign(data, { [KEYS.caCert]: ca.cert, [KEYS.caKey]: ca.key, [KEYS.cert]: pair.cert, [KEYS.key]: pair.key });
        delete data[KEYS.nextCaCert];
        delete data[KEYS.nextCaKey];
        setAnnotation(ANNOTATIONS.switchAfter, null);
        setAnnotation(ANNOTATIONS.previousUntil, later(now, timing.rolloutDelayMs).toISOString());
        changes.push(`CA switched to serial ${active.cert.serial}; serving certificate: ${describe(leaf)}; previous CA serial ${old.serial} trusted until ${later(now, timing.rolloutDelayMs).toISOString()}`);
      }
    } else {
      setAnnotation(ANNOTATIONS.switchAfter, null);
      delete data[KEYS.nextCaCert];
      delete data[KEYS.nextCaKey];
      const caDue = later(active.cert.notAfter, -timing.caRenewBeforeMs);
      const leafDue = later(leaf.notAfter, -timing.certRenewBeforeMs);
      const caReason = request === 'ca' ? `${ANNOTATIONS.renew}=ca` : !active.key ? 'the CA key is unusable' : now >= caDue ? `the CA expires ${active.cert.notAfter.toISOString()}` : undefined;
      if (caReason) {
        // 1. Stage a next CA; the serving certificate stays as it is until every caBundle trusts the next one.
        const ca = input.mint.ca(now, timing.caValidityMs);
        next = { cert: certOf(ca.cert), key: ca.key };
        bundle = [active.cert, next.cert, ...others];
        Object.assign(data, { [KEYS.nextCaCert]: ca.cert, [KEYS.nextCaKey]: ca.key });
        changes.push(`next CA staged (${caReason}): ${describe(next.cert)}`);
      } else {
        const leafReason = request === 'leaf' ? `${ANNOTATIONS.renew}=leaf` : !leaf.sansOk ? 'its DNS names changed' : now >= leafDue ? `it expires ${leaf.notAfter.toISOString()}` : undefined;
        if (leafReason) {
          const pair = input.mint.leaf(now, { cert: active.cert.pem, key: active.key! }, input.dnsNames, timing.certValidityMs, active.cert.notAfter);
          leaf = { ...certOf(pair.cert), key: pair.key, sansOk: true };
          Object.assign(data, { [KEYS.cert]: pair.cert, [KEYS.key]: pair.key });
          changes.push(`serving certificate renewed (${leafReason}): ${describe(leaf)}`);
        } else {
          wakes.push(caDue, leafDue);
        }
      }
    }

    // 4. Retire the previous CAs once every replica can have reloaded a pair signed by the current one.
    const previous = bundle.filter((c) => c.fingerprint !== active!.cert.fingerprint && c.fingerprint !== next?.cert.fingerprint);
    if (previous.length === 0) {
      setAnnotation(ANNOTATIONS.previousUntil, null);
    } else if (annotations[ANNOTATIONS.previousUntil] !== undefined) {
      // set by this step (the switch)
    } else if (!state.previousUntil) {
      setAnnotation(ANNOTATIONS.previousUntil, later(now, timing.rolloutDelayMs).toISOString());
    } else if (now >= state.previousUntil) {
      bundle = bundle.filter((c) => !previous.includes(c));
      setAnnotation(ANNOTATIONS.previousUntil, null);
      changes.push(`previous CA${previous.length > 1 ? 's' : ''} retired: serial ${previous.map((c) => c.serial).join(', ')}`);
    } else {
      wakes.push(state.previousUntil);
    }
  }

  const bundleText = bundlePem(bundle);
  if (!sameSet(fingerprints(certsOf(data[KEYS.bundle] ?? '')), fingerprints(bundle))) data[KEYS.bundle] = bundleText;
  const wanted = fingerprints(bundle);
  const patch = (webhookCerts ?? []).flatMap((certs, i) => (sameSet(fingerprints(certs), wanted) ? [] : [i]));

  const dataChanged = !sameData(data, input.secret?.data ?? {});
  const write = !input.secret || dataChanged || Object.keys(annotations).length > 0;
  const wakeAt = write || patch.length > 0 ? now : new Date(Math.min(...wakes.map((d) => d.getTime()), later(now, timing.caValidityMs).getTime()));
  return {
    secret: write ? { data, annotations } : undefined,
    caBundle: bundleText,
    patch,
    changes,
    problems,
    wakeAt: wakeAt < now ? now : wakeAt,
    rotating: next !== undefined,
  };
}

function certOf(pem: string): Cert {
  const c = certsOf(pem)[0];
  if (!c) throw new Error('minted certificate does not parse');
  return c;
}

function containsAll(have: readonly Cert[], want: readonly Cert[]): boolean {
  const f = fingerprints(have);
  return want.every((c) => f.has(c.fingerprint));
}

function uniq(certs: readonly Cert[]): Cert[] {
  const seen = new Set<string>();
  return certs.filter((c) => (seen.has(c.fingerprint) ? false : (seen.add(c.fingerprint), true)));
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export type { TlsState };
