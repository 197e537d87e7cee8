// `truststore --merge`: add the bundle's CAs to a truststore another step wrote (tls-toolkit client's
// truststore.jks, with the enrolment CA as `nifi-cert`), keeping each of that step's entries
// byte-for-byte. Pure: store bytes, password, anchors, clock and salt in; new bytes (or none) out.
import { readCertificates } from './bundle.js';
import type { CertInfo } from './cert.js';
import { aliasFor, sha256Hex } from './fingerprint.js';
import { detectFormat, type StoreFormat } from './inspect.js';
import { asWritable, JksError, jksVersion, OID, Pkcs12Error, readJks, readSafeBags, trustedCertBag, writeJks, writePkcs12Bags, type JksReadEntry, type SafeBag } from '../pki/index.js';
import { encodePem } from './pem.js';

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

export interface MergeInputs {
  /** The store as found on disk. */
  store: Buffer;
  /** The format the caller expects; the store's own format must match it. */
  type: StoreFormat;
  /** Required for jks and pkcs12 (the store is opened with it, and rewritten under it); ignored for pem. */
  password?: string;
  /** The bundle's trust anchors (selectAnchors' `trusted`): the CAs the store must hold. */
  anchors: readonly Pick<CertInfo, 'der'>[];
  /** Creation date of added JKS entries. */
  now: Date;
  /** MAC salt of a rewritten PKCS12 store (20 random bytes). */
  salt: Uint8Array;
  mac?: 'sha1' | 'sha256';
}

export interface MergeResult {
  /** The new store; undefined when it already holds every anchor and nothing of ours is stale (do not write). */
  bytes: Buffer | undefined;
  /** Aliases added for anchors the store did not hold. */
  added: string[];
  /** Aliases of our earlier entries whose CA is no longer an anchor. */
  removed: string[];
  /** Aliases of the entries kept from the store, in store order (PEM: derived with aliasFor). */
  kept: string[];
  /** Every trusted alias of the resulting store, sorted. */
  trusted: string[];
  /** Key entries kept as they were (JKS). */
  keys: string[];
}

/** An existing entry, as far as the merge decisions need to know it. */
interface Held {
  alias: string;
  /** The certificate of a trusted entry; undefined for key entries (Java takes no anchors from them). */
  der?: Buffer;
}

interface Plan {
  /** Indexes (into the held entries) of our stale entries. */
  drop: Set<number>;
  add: { alias: string; der: Buffer }[];
}

/**
 * Ours: a trusted entry named after its own certificate (aliasFor), or after it with a `-N` suffix
 * (the collision variant planMerge picks). Any other entry, e.g. the toolkit's `nifi-cert`, is never ours.
 */
export function isOurs(alias: string, der: Uint8Array): boolean {
  const base = aliasFor(der);
  if (alias === base) return true;
  const m = /^(.*)-([0-9]+)$/.exec(alias);
  return m !== null && m[1] === base && Number(m[2]) >= 2 && String(Number(m[2])) === m[2];
}

/** The decisions, format aside: which of our entries go, which anchors come in under which alias. */
function planMerge(held: readonly Held[], anchors: readonly Pick<CertInfo, 'der'>[]): Plan {
  const wanted = new Set(anchors.map((a) => sha256Hex(a.der)));
  const drop = new Set<number>();
  held.forEach((h, i) => {
    if (h.der && isOurs(h.alias, h.der) && !wanted.has(sha256Hex(h.der))) drop.add(i);
  });
  const present = new Set<string>();
  // Aliases compare case-insensitively: Java looks JKS and PKCS12 aliases up in lower case.
  const taken = new Set<string>();
  held.forEach((h, i) => {
    if (drop.has(i)) return;
    if (h.der) present.add(sha256Hex(h.der));
    if (h.alias) taken.add(h.alias.toLowerCase());
  });
  const add: Plan['add'] = [];
  // In alias order, whatever the caller's order: the same bundle always gives the same store.
  const byAlias = anchors.map((a) => ({ der: a.der, base: aliasFor(a.der) })).sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0));
  for (const a of byAlias) {
    const sha = sha256Hex(a.der);
    if (present.has(sha)) continue;
    present.add(sha);
    let alias = a.base;
    for (let n = 2; taken.has(alias); n++) alias = `${a.base}-${n}`;
    taken.add(alias);
    add.push({ alias, der: Buffer.from(a.der) });
  }
  return { drop, add };
}

const sorted = (xs: string[]): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function mergeTruststore(inp: MergeInputs): MergeResult {
  if (inp.store.length === 0) throw new MergeError('is empty');
  const found = detectFormat(inp.store);
  if (!found) throw new MergeError('is not a JKS, PKCS12 or PEM store');
  if (found !== inp.type) throw new MergeError(`is a ${found} store, not ${inp.type}`);
  switch (inp.type) {
    case 'jks':
      return mergeJks(inp, requirePassword(inp));
    case 'pkcs12':
      return mergePkcs12(inp, requirePassword(inp));
    case 'pem':
      return mergePem(inp);
  }
}

function requirePassword(inp: MergeInputs): string {
  if (!inp.password) throw new MergeError(`a ${inp.type} store needs a password`);
  return inp.password;
}

function mergeJks(inp: MergeInputs, password: string): MergeResult {
  let entries: JksReadEntry[];
  try {
    // Version 1 stores lack the certificate type strings a rewrite adds: their entries could not be kept as read.
    if (jksVersion(inp.store) !== 2) throw new MergeError(`is a JKS version ${jksVersion(inp.store)} store, which cannot be rewritten as read`);
    entries = readJks(inp.store, password);
  } catch (err) {
    if (err instanceof JksError) throw new MergeError(err.message);
    throw err;
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.alias.toLowerCase())) throw new MergeError(`holds alias ${e.alias} twice`);
    seen.add(e.alias.toLowerCase());
  }
  const plan = planMerge(
    entries.map((e) => (e.kind === 'trusted' ? { alias: e.alias, der: e.certs[0]! } : { alias: e.alias })),
    inp.anchors,
  );
  const kept = entries.filter((_, i) => !plan.drop.has(i));
  const result = summary(
    kept.map((e) => ({ alias: e.alias, trusted: e.kind === 'trusted' })),
    plan,
    entries.filter((_, i) => plan.drop.has(i)).map((e) => e.alias),
  );
  if (!plan.add.length && !plan.drop.size) return result;
  const bytes = writeJks([...kept.map(asWritable), ...plan.add.map((a) => ({ kind: 'trusted' as const, alias: a.alias, der: a.der }))], {
    password,
    date: inp.now,
  });
  // The promise is byte-for-byte: check it on the output rather than trust the writer with other tools' entries.
  const back = readJks(bytes, password);
  kept.forEach((e, i) => {
    if (!back[i]?.raw.equals(e.raw)) throw new MergeError(`entry ${e.alias} cannot be rewritten exactly as read`);
  });
  return { ...result, bytes };
}

const BAG_NAMES: Record<string, string> = {
  [OID.keyBag]: 'private key',
  [OID.shroudedKeyBag]: 'private key',
  '1.2.840.113549.1.12.10.1.4': 'CRL',
  '1.2.840.113549.1.12.10.1.5': 'secret',
  '1.2.840.113549.1.12.10.1.6': 'nested SafeContents',
};

/** Why a bag cannot be carried into a rewritten truststore; undefined when it can (a Java trusted-certificate entry). */
function bagRefusal(b: SafeBag): string | undefined {
  const named = b.alias ? ` (${b.alias})` : '';
  if (b.type !== OID.certBag) return `holds a ${BAG_NAMES[b.type] ?? `PKCS12 bag ${b.type}`} entry${named}: only truststores can be merged`;
  if (!b.der) return `holds a non-X.509 certificate${named}, which cannot be merged`;
  if (b.localKeyId) return `holds a certificate of a key entry${named}: only truststores can be merged`;
  if (!b.trusted) return `holds a certificate${named} without Java's trusted-key-usage attribute; refusing rather than drop it`;
  return undefined;
}

function mergePkcs12(inp: MergeInputs, password: string): MergeResult {
  let r;
  try {
    r = readSafeBags(inp.store, password);
  } catch (err) {
    if (err instanceof Pkcs12Error) throw new MergeError(err.message);
    throw err;
  }
  if (!r.hasMac) throw new MergeError('has no integrity MAC, so the password cannot be verified');
  if (r.encryptedParts) throw new MergeError(`holds ${r.encryptedParts} encrypted part(s) this runtime cannot decrypt; refusing rather than drop them`);
  if (r.otherParts) throw new MergeError(`holds ${r.otherParts} public-key protected part(s), which cannot be merged`);
  // A private key is the most telling reason (a keystore given for a truststore): name it before its certificates.
  const keyFirst = [...r.bags.filter((b) => b.type === OID.keyBag || b.type === OID.shroudedKeyBag), ...r.bags];
  for (const b of keyFirst) {
    const why = bagRefusal(b);
    if (why) throw new MergeError(why);
  }
  const plan = planMerge(
    r.bags.map((b) => ({ alias: b.alias, der: b.der! })),
    inp.anchors,
  );
  const kept = r.bags.filter((_, i) => !plan.drop.has(i));
  const result = summary(
    kept.map((b) => ({ alias: b.alias, trusted: true })),
    plan,
    r.bags.filter((_, i) => plan.drop.has(i)).map((b) => b.alias),
  );
  if (!plan.add.length && !plan.drop.size) return result;
  // Kept bags are copied as they are (attributes included); certificates need no encryption, so they all
  // go into one plain SafeContents, as writePkcs12 writes them.
  const bytes = writePkcs12Bags([...kept.map((b) => b.raw), ...plan.add.map(trustedCertBag)], {
    password,
    salt: inp.salt,
    ...(inp.mac ? { mac: inp.mac } : {}),
  });
  return { ...result, bytes };
}

/** PEM has no aliases, so nothing in it is recognisably ours: anchors are appended, nothing is removed. */
function mergePem(inp: MergeInputs): MergeResult {
  const text = inp.store.toString('utf8');
  const certs = readCertificates(text).certs;
  const plan = planMerge(
    certs.map((c) => ({ alias: '', der: c.der })),
    inp.anchors,
  );
  const result = summary(
    certs.map((c) => ({ alias: c.alias, trusted: true })),
    plan,
    [],
  );
  if (!plan.add.length) return result;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  const bytes = Buffer.from(text + sep + plan.add.map((a) => encodePem('CERTIFICATE', a.der)).join(''), 'utf8');
  return { ...result, bytes };
}

function summary(kept: { alias: string; trusted: boolean }[], plan: Plan, removed: string[]): MergeResult {
  const added = plan.add.map((a) => a.alias);
  return {
    bytes: undefined,
    added,
    removed,
    kept: kept.map((k) => k.alias),
    trusted: sorted([...kept.filter((k) => k.trusted).map((k) => k.alias), ...added]),
    keys: kept.filter((k) => !k.trusted).map((k) => k.alias),
  };
}
