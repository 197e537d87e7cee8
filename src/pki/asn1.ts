// ASN.1 on node-forge: Buffers in and out (the rest of the project speaks Buffer, forge speaks
// "binary" strings), BER read (indefinite lengths, constructed strings: what BouncyCastle writes),
// DER written. Pure.
import forge from 'node-forge';

const { asn1 } = forge;
export type Node = forge.asn1.Asn1;
export const { Class, Type } = asn1;

export class Asn1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1Error';
  }
}

const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const buf = (s: string): Buffer => Buffer.from(s, 'binary');

/**
 * One value spanning the whole buffer (or only the first one, with `first`). BIT STRINGs stay opaque:
 * forge would otherwise try to parse their contents as ASN.1.
 */
export function parse(bytes: Uint8Array, opts: { first?: boolean } = {}): Node {
  const options = { strict: true, parseAllBytes: !opts.first, decodeBitStrings: false };
  try {
    // @types/node-forge knows only the boolean `strict` argument; forge takes this options object.
    return (asn1.fromDer as unknown as (b: string, o: typeof options) => Node)(bin(bytes), options);
  } catch (err) {
    throw new Asn1Error(`unreadable DER/BER: ${err instanceof Error ? err.message : 'parse error'}`);
  }
}

export const der = (node: Node): Buffer => buf(asn1.toDer(node).getBytes());

export function kids(node: Node): Node[] {
  if (!Array.isArray(node.value)) throw new Asn1Error('expected a constructed value');
  return node.value;
}

export function kid(node: Node, index: number): Node {
  const k = kids(node)[index];
  if (!k) throw new Asn1Error(`missing element ${index}`);
  return k;
}

/** A primitive value's bytes; a BER constructed string is joined from its chunks. */
export function bytes(node: Node): Buffer {
  return Array.isArray(node.value) ? Buffer.concat(node.value.map(bytes)) : buf(node.value);
}

/** A string value as text: BMPString as forge decoded it, the other string types as UTF-8. */
export function textOf(node: Node): string {
  if (node.type === Type.BMPSTRING && typeof node.value === 'string') return node.value;
  return bytes(node).toString('utf8');
}

export function oidOf(node: Node): string {
  if (node.tagClass !== Class.UNIVERSAL || node.type !== Type.OID) throw new Asn1Error('expected an OBJECT IDENTIFIER');
  return asn1.derToOid(bytes(node).toString('binary'));
}

export function intOf(node: Node): bigint {
  if (node.tagClass !== Class.UNIVERSAL || node.type !== Type.INTEGER) throw new Asn1Error('expected an INTEGER');
  const b = bytes(node);
  return b.length ? BigInt(`0x${b.toString('hex')}`) : 0n; // read unsigned: serials and counts only
}

export function is(node: Node | undefined, type: number, tagClass: number = Class.UNIVERSAL): node is Node {
  return node !== undefined && node.tagClass === tagClass && node.type === type;
}

// ---- building ----

const U = Class.UNIVERSAL;
export const seq = (...items: Node[]): Node => asn1.create(U, Type.SEQUENCE, true, items);
/** SET OF in DER's canonical order (forge keeps the given order). */
export const set = (...items: Node[]): Node =>
  asn1.create(U, Type.SET, true, [...items].sort((a, b) => Buffer.compare(der(a), der(b))));
export const oid = (dotted: string): Node => asn1.create(U, Type.OID, false, asn1.oidToDer(dotted).getBytes());
export const octets = (b: Uint8Array): Node => asn1.create(U, Type.OCTETSTRING, false, bin(b));
export const nul = (): Node => asn1.create(U, Type.NULL, false, '');
/** forge encodes (and decodes) a BMPString's value itself: it holds the characters, not UTF-16 bytes. */
export const bmp = (s: string): Node => asn1.create(U, Type.BMPSTRING, false, s);
export const bits = (b: Uint8Array): Node => asn1.create(U, Type.BITSTRING, false, `\u0000${bin(b)}`);
/** [n] EXPLICIT. */
export const explicit = (n: number, inner: Node): Node => asn1.create(Class.CONTEXT_SPECIFIC, n, true, [inner]);
/** A DER value given as bytes, embedded as it is. */
export const raw = (b: Uint8Array): Node => parse(b);

export function int(value: number | bigint | Uint8Array): Node {
  let b: Buffer;
  if (value instanceof Uint8Array) b = Buffer.from(value);
  else {
    const v = BigInt(value);
    if (v < 0n) throw new RangeError('negative integers are not needed here');
    const hex = v.toString(16);
    b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  }
  // Minimal two's complement, positive: drop redundant leading zeros, add one before a high bit.
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  b = b.subarray(i);
  if (b.length === 0 || b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return asn1.create(U, Type.INTEGER, false, bin(b));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5), whole seconds. */
export function time(d: Date): Node {
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return asn1.create(U, Type.UTCTIME, false, asn1.dateToUtcTime(d));
  return asn1.create(U, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

export function timeOf(node: Node): Date {
  const s = bytes(node).toString('latin1');
  const d = node.type === Type.UTCTIME ? asn1.utcTimeToDate(s) : node.type === Type.GENERALIZEDTIME ? asn1.generalizedTimeToDate(s) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new Asn1Error('unreadable time');
  return d;
}

/** Java's and PKCS#12's password and BMPString encoding (UCS-2, big-endian). */
export function utf16be(s: string): Buffer {
  const out = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) out.writeUInt16BE(s.charCodeAt(i), i * 2);
  return out;
}
