// Java KeyStore (JKS), by hand: forge (and every JavaScript library we could use) has no JKS. Magic 0xFEEDFEED, version 2, big-endian entries, aliases in
// modified UTF-8, and a trailing SHA-1 over (password as UTF-16BE) + "Mighty Aphrodite" + body.
// Trusted-certificate entries (tag 2) for truststores; private-key entries (tag 1) for the toolkit's
// CA keystore, protected with Sun's KeyProtector scheme (OID 1.3.6.1.4.1.42.2.17.1.1).
import { createHash, timingSafeEqual } from 'node:crypto';
import { bytes, der, kid, nul, octets, oid, oidOf, parse, seq, utf16be } from './asn1.js';

const MAGIC = 0xfeedfeed;
const VERSION = 2;
const TAG_KEY = 1;
const TAG_TRUSTED = 2;
const WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');
export const KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';

export interface JksTrustedEntry {
  kind: 'trusted';
  alias: string;
  der: Uint8Array;
  /** Creation time of this entry; defaults to the store's `date` (set it to keep an entry as read). */
  date?: Date;
}

export interface JksKeyEntry {
  kind: 'key';
  alias: string;
  /** Unencrypted PKCS#8 PrivateKeyInfo DER, protected on writing with the KeyProtector. */
  pkcs8: Uint8Array;
  /** Leaf first. */
  chain: Uint8Array[];
  date?: Date;
}

/** A key entry written back as read: its protected key blob is copied, never decrypted. */
export interface JksProtectedKeyEntry {
  kind: 'key';
  alias: string;
  /** EncryptedPrivateKeyInfo DER as stored (JksReadEntry.protectedKey). */
  protectedKey: Uint8Array;
  chain: Uint8Array[];
  date?: Date;
}

export type JksEntry = JksTrustedEntry | JksKeyEntry | JksProtectedKeyEntry;

export interface JksOptions {
  password: string;
  /** Creation time stamped on every entry (a pinned clock makes the output reproducible). */
  date: Date;
  /** 20 random bytes per key entry (KeyProtector salt); needed only with key entries. */
  keySalt?: Uint8Array;
  /** Password protecting key entries; defaults to the store password. */
  keyPassword?: string;
}

/** Java's modified UTF-8 as written by DataOutputStream.writeUTF (without the length prefix). */
export function modifiedUtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (out.length > 0xffff) throw new RangeError('alias too long');
  return Buffer.from(out);
}

function decodeModifiedUtf8(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i += 1;
    } else if ((c & 0xe0) === 0xc0) {
      s += String.fromCharCode(((c & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 2;
    } else {
      s += String.fromCharCode(((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    }
  }
  return s;
}

class Writer {
  private parts: Buffer[] = [];
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(v));
    this.parts.push(b);
  }
  utf(s: string): void {
    const m = modifiedUtf8(s);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(m.length);
    this.parts.push(len, m);
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.parts.push(Buffer.from(b));
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Sun's KeyProtector: XOR with a SHA-1 keystream seeded by a salt, plus a SHA-1 integrity check. */
export function protectKey(pkcs8: Uint8Array, password: string, salt: Uint8Array): Buffer {
  if (salt.length !== 20) throw new RangeError('KeyProtector salt must be 20 bytes');
  const pw = utf16be(password);
  const plain = Buffer.from(pkcs8);
  const stream = Buffer.alloc(plain.length);
  let digest: Buffer = Buffer.from(salt);
  for (let off = 0; off < plain.length; off += 20) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    digest.copy(stream, off, 0, Math.min(20, plain.length - off));
  }
  const enc = Buffer.alloc(plain.length);
  for (let i = 0; i < plain.length; i++) enc[i] = plain[i]! ^ stream[i]!;
  const check = createHash('sha1').update(pw).update(plain).digest();
  const blob = Buffer.concat([Buffer.from(salt), enc, check]);
  return der(seq(seq(oid(KEY_PROTECTOR_OID), nul()), octets(blob)));
}

/** Inverse of protectKey; throws when the password is wrong. */
export function recoverKey(encryptedPrivateKeyInfo: Uint8Array, password: string): Buffer {
  let blob: Buffer;
  try {
    const epki = parse(encryptedPrivateKeyInfo);
    if (oidOf(kid(kid(epki, 0), 0)) !== KEY_PROTECTOR_OID) throw new JksError('key entry is not protected with the JKS KeyProtector');
    blob = bytes(kid(epki, 1));
  } catch (err) {
    if (err instanceof JksError) throw err;
    throw new JksError('unreadable protected key');
  }
  if (blob.length < 40) throw new JksError('unreadable protected key');
  const salt = blob.subarray(0, 20);
  const enc = blob.subarray(20, blob.length - 20);
  const check = blob.subarray(blob.length - 20);
  const pw = utf16be(password);
  const plain = Buffer.alloc(enc.length);
  let digest: Buffer = Buffer.from(salt);
  for (let off = 0; off < enc.length; off += 20) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let i = 0; i < 20 && off + i < enc.length; i++) plain[off + i] = enc[off + i]! ^ digest[i]!;
  }
  const expect = createHash('sha1').update(pw).update(plain).digest();
  if (!timingSafeEqual(expect, check)) throw new JksError('cannot recover the key: wrong key password');
  return plain;
}

export function writeJks(entries: readonly JksEntry[], opts: JksOptions): Buffer {
  const seen = new Set<string>();
  const w = new Writer();
  w.u32(MAGIC);
  w.u32(VERSION);
  w.u32(entries.length);
  for (const e of entries) {
    const alias = e.alias.toLowerCase();
    if (seen.has(alias)) throw new RangeError(`duplicate alias ${alias}`);
    seen.add(alias);
    const date = (e.date ?? opts.date).getTime();
    if (e.kind === 'trusted') {
      w.u32(TAG_TRUSTED);
      w.utf(alias);
      w.u64(date);
      w.utf('X.509');
      w.bytes(e.der);
    } else {
      w.u32(TAG_KEY);
      w.utf(alias);
      w.u64(date);
      if ('protectedKey' in e) w.bytes(e.protectedKey);
      else {
        if (!opts.keySalt) throw new RangeError('a key entry needs a KeyProtector salt');
        w.bytes(protectKey(e.pkcs8, opts.keyPassword ?? opts.password, opts.keySalt));
      }
      w.u32(e.chain.length);
      for (const c of e.chain) {
        w.utf('X.509');
        w.bytes(c);
      }
    }
  }
  const body = w.done();
  const digest = createHash('sha1').update(utf16be(opts.password)).update(WHITENER).update(body).digest();
  return Buffer.concat([body, digest]);
}

// ---- reading ----

export class JksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JksError';
  }
}

export interface JksReadEntry {
  alias: string;
  kind: 'trusted' | 'key';
  date: Date;
  /** The trusted certificate, or the key entry's chain (leaf first). */
  certs: Buffer[];
  /** Key entries only: the protected key, as stored. */
  protectedKey?: Buffer;
  /** The entry's bytes in the store, tag to last certificate: what "kept byte-for-byte" is checked against. */
  raw: Buffer;
}

/** A read entry as a writable one, so that writeJks reproduces it (alias, date, certificates, key blob). */
export function asWritable(e: JksReadEntry): JksEntry {
  if (e.kind === 'trusted') return { kind: 'trusted', alias: e.alias, der: e.certs[0]!, date: e.date };
  return { kind: 'key', alias: e.alias, protectedKey: e.protectedKey!, chain: e.certs, date: e.date };
}

/** The format version (1 or 2) of a JKS store; version 1 has no certificate type strings. */
export function jksVersion(buf: Buffer): number {
  if (!isJks(buf) || buf.length < 8) throw new JksError('not a JKS store');
  return buf.readUInt32BE(4);
}

export function isJks(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32BE(0) === MAGIC;
}

/**
 * Parses a JKS store and checks its integrity digest against the password; with `password`
 * undefined the entries are listed unverified (as `keytool -list` does without -storepass).
 */
export function readJks(buf: Buffer, password: string | undefined): JksReadEntry[] {
  if (!isJks(buf)) throw new JksError('not a JKS store');
  if (buf.length < 32) throw new JksError('truncated JKS store');
  const body = buf.subarray(0, buf.length - 20);
  if (password !== undefined) {
    const digest = createHash('sha1').update(utf16be(password)).update(WHITENER).update(body).digest();
    if (!timingSafeEqual(digest, buf.subarray(buf.length - 20))) throw new JksError('JKS integrity check failed: wrong password or corrupted store');
  }
  let off = 4;
  const need = (n: number): void => {
    if (off + n > body.length) throw new JksError('truncated JKS store');
  };
  const u32 = (): number => {
    need(4);
    const v = body.readUInt32BE(off);
    off += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = Number(body.readBigUInt64BE(off));
    off += 8;
    return v;
  };
  const utf = (): string => {
    need(2);
    const n = body.readUInt16BE(off);
    off += 2;
    need(n);
    const s = decodeModifiedUtf8(body.subarray(off, off + n));
    off += n;
    return s;
  };
  const bytes = (): Buffer => {
    const n = u32();
    need(n);
    const b = Buffer.from(body.subarray(off, off + n));
    off += n;
    return b;
  };
  const version = u32();
  if (version !== 1 && version !== 2) throw new JksError(`unsupported JKS version ${version}`);
  const count = u32();
  const out: JksReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    const start = off;
    const tag = u32();
    const alias = utf();
    const date = new Date(u64());
    if (tag === TAG_TRUSTED) {
      if (version === 2) utf();
      const cert = bytes();
      out.push({ alias, kind: 'trusted', date, certs: [cert], raw: Buffer.from(body.subarray(start, off)) });
    } else if (tag === TAG_KEY) {
      const protectedKey = bytes();
      const n = u32();
      const certs: Buffer[] = [];
      for (let j = 0; j < n; j++) {
        if (version === 2) utf();
        certs.push(bytes());
      }
      out.push({ alias, kind: 'key', date, certs, protectedKey, raw: Buffer.from(body.subarray(start, off)) });
    } else throw new JksError(`unknown JKS entry tag ${tag}`);
  }
  if (off !== body.length) throw new JksError('trailing bytes in JKS store');
  return out;
}

