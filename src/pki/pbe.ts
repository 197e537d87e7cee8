// Password-based protection for PKCS#12 and PKCS#8: the PKCS#12 key derivation (RFC 7292 B.2) and
// HMAC for the integrity MAC on node:crypto's hashes, forge.pki.pbe for the ciphers stores use (PBES2
// with PBKDF2 and AES-CBC or 3DES as Java 17+ and OpenSSL 3 write, PKCS#12 PBE with 3DES or 40-bit RC2
// as older Java writes), forge.pki.encryptPrivateKeyInfo for key entries.
import { createHmac, hash as digest } from 'node:crypto';
import forge from 'node-forge';
import { bytes, der, kid, kids, oidOf, parse, type Node } from './asn1.js';

export type MacHash = 'sha1' | 'sha256';
export const PBES2 = '1.2.840.113549.1.5.13';

interface ForgeCipher {
  update(data: forge.util.ByteBuffer): void;
  finish(): boolean;
  output: forge.util.ByteBuffer;
}
// forge.pki.pbe is not in @types/node-forge.
const pbe = (forge.pki as unknown as { pbe: { getCipher(oid: string, params: Node, password: string): ForgeCipher } }).pbe;

const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');

/** Digest and block lengths in bytes (u and v of RFC 7292 B.2). */
const KDF_HASH: Record<MacHash, { u: number; v: number }> = { sha1: { u: 20, v: 64 }, sha256: { u: 32, v: 64 } };

/** Copies of `src` filling v * ceil(len / v) bytes (empty stays empty). */
function fillBlocks(src: Uint8Array, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(src.length / v));
  for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
  return out;
}

/**
 * RFC 7292 appendix B.2 key derivation (ID 1 = key, 2 = IV, 3 = MAC key). Native hashes: the same
 * derivation in forge's JavaScript cost the init container about 80 ms of CPU per store (10,000 rounds,
 * cold JIT and garbage collection); test/unit/trust/stores.test.ts compares the two.
 */
export function pkcs12Kdf(password: string, salt: Uint8Array, id: number, iterations: number, n: number, hash: MacHash): Buffer {
  // With no rounds the key would not depend on the password (forge refuses likewise).
  if (!(iterations >= 1)) throw new Error('PKCS#12 key derivation iteration count must be >= 1.');
  const { u, v } = KDF_HASH[hash];
  // The password as a BMPString with its 2-byte terminator: UTF-16 code units, big-endian.
  const pass = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) pass.writeUInt16BE(password.charCodeAt(i), i * 2);
  const I = Buffer.concat([fillBlocks(salt, v), fillBlocks(pass, v)]);
  const D = Buffer.alloc(v, id);
  const out = Buffer.alloc(Math.ceil(n / u) * u);
  for (let block = 0; block * u < n; block++) {
    let a = digest(hash, Buffer.concat([D, I]), 'buffer');
    for (let round = 1; round < iterations; round++) a = digest(hash, a, 'buffer');
    a.copy(out, block * u);
    // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v), B being copies of A filling v bytes.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let l = v - 1; l >= 0; l--) {
        const x = I[j + l]! + a[l % u]! + carry;
        I[j + l] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return out.subarray(0, n);
}

/** The PKCS#12 integrity MAC: HMAC under a key derived from the password (ID 3). */
export function pkcs12Mac(hash: MacHash, password: string, salt: Uint8Array, iterations: number, content: Uint8Array): Buffer {
  return createHmac(hash, pkcs12Kdf(password, salt, 3, iterations, KDF_HASH[hash].u, hash)).update(content).digest();
}

/**
 * Decrypts data protected by a password-based AlgorithmIdentifier (an EncryptedData's
 * contentEncryptionAlgorithm, or an EncryptedPrivateKeyInfo's). Undefined when the scheme is unknown
 * or the password does not open it (bad padding).
 */
export function pbeDecrypt(algorithm: Node, data: Uint8Array, password: string): Buffer | undefined {
  try {
    const scheme = oidOf(kid(algorithm, 0));
    // PBKDF2 takes the password as UTF-8 bytes (as Java and OpenSSL do); forge's PBKDF2 takes bytes as
    // a binary string. The PKCS#12 schemes take the password as characters (forge encodes it as BMPString).
    const pw = scheme === PBES2 ? forge.util.encodeUtf8(password) : password;
    const cipher = pbe.getCipher(scheme, kid(algorithm, 1), pw);
    cipher.update(forge.util.createBuffer(bin(data)));
    if (!cipher.finish()) return undefined;
    return Buffer.from(cipher.output.getBytes(), 'binary');
  } catch {
    return undefined;
  }
}

/** The PKCS#8 PrivateKeyInfo inside an EncryptedPrivateKeyInfo; undefined when the password does not open it. */
export function decryptPrivateKey(encryptedPrivateKeyInfo: Uint8Array, password: string): Buffer | undefined {
  const epki = parse(encryptedPrivateKeyInfo);
  const [algorithm, data] = kids(epki);
  if (!algorithm || !data) return undefined;
  const out = pbeDecrypt(algorithm, bytes(data), password);
  // CBC padding alone lets about one wrong password in 256 through: what opened must also be a
  // PrivateKeyInfo (a DER SEQUENCE filling the whole output, version INTEGER first).
  return out && isPrivateKeyInfo(out) ? out : undefined;
}

function isPrivateKeyInfo(candidate: Buffer): boolean {
  try {
    const node = parse(candidate);
    return node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === forge.asn1.Type.SEQUENCE && kid(node, 0).type === forge.asn1.Type.INTEGER;
  } catch {
    return false;
  }
}

/**
 * OpenSSL 3's count (what Node's key export used here before). forge runs PBKDF2 in JavaScript:
 * Java's 10,000 rounds of HMAC-SHA-256 cost 0.2-0.9 s there against 2 ms natively.
 */
export const KEY_ENCRYPTION_ITERATIONS = 2048;

/**
 * A PKCS#8 key encrypted the way Java 17+ and OpenSSL 3 protect PKCS12 key entries: PBES2, PBKDF2
 * with HMAC-SHA-256, AES-256-CBC (random salt and IV).
 */
export function encryptPrivateKey(pkcs8: Uint8Array, password: string): Buffer {
  const info = forge.pki.encryptPrivateKeyInfo(parse(pkcs8), forge.util.encodeUtf8(password), {
    algorithm: 'aes256',
    prfAlgorithm: 'sha256',
    count: KEY_ENCRYPTION_ITERATIONS,
  } as forge.pki.EncryptionOptions);
  return der(info);
}
