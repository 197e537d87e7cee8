// Hand-made DER fixtures (stores and certificates the project never writes itself), as Buffers,
// built with the PKI module's forge-based ASN.1 nodes.
import * as A from '../../src/pki/asn1.js';

const nodes = (items: Uint8Array[]): A.Node[] => items.map((i) => A.parse(i));
export const seq = (...items: Uint8Array[]): Buffer => A.der(A.seq(...nodes(items)));
export const set = (...items: Uint8Array[]): Buffer => A.der(A.set(...nodes(items)));
export const oid = (dotted: string): Buffer => A.der(A.oid(dotted));
export const octets = (b: Uint8Array): Buffer => A.der(A.octets(b));
export const nul = (): Buffer => A.der(A.nul());
export const bmp = (s: string): Buffer => A.der(A.bmp(s));
export const integer = (v: number | bigint | Uint8Array): Buffer => A.der(A.int(v));
export const time = (d: Date): Buffer => A.der(A.time(d));
export const bitString = (b: Uint8Array): Buffer => A.der(A.bits(b));
/** [n] EXPLICIT around one value. */
export const explicit = (n: number, inner: Uint8Array): Buffer => A.der(A.explicit(n, A.parse(inner)));
export const { utf16be } = A;
/** The number of elements of a constructed DER value. */
export const count = (b: Uint8Array): number => A.kids(A.parse(b)).length;
