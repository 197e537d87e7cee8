// Distinguished names as operators type them and keytool prints them ("CN=nifi-ca, OU=NIFI", most
// specific first) <-> DER Name (most general RDN first), through forge's Name encoder.
import forge from 'node-forge';
import { der, kids, oidOf, textOf, Type, type Node } from './asn1.js';

const TYPES: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  DC: '0.9.2342.19200300.100.1.25',
};

/** Names printed for attribute types, as keytool prints them; others as OID.<dotted>. */
const PRINTED: Record<string, string> = {
  ...Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, k])),
  '2.5.4.5': 'SERIALNUMBER',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
};

export class DnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnError';
  }
}

export interface Rdn {
  type: string;
  value: string;
}

/** Splits on unescaped commas; `\,` keeps a comma in a value. */
export function parseDn(text: string): Rdn[] {
  const rdns: Rdn[] = [];
  let cur = '';
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1]!;
      i++;
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new DnError(`bad distinguished name component "${p.trim()}" (expected TYPE=value)`);
    const type = p.slice(0, eq).trim().toUpperCase();
    const value = p.slice(eq + 1).trim().replace(/\\(.)/g, '$1');
    if (!TYPES[type]) throw new DnError(`unsupported attribute ${type} (use ${Object.keys(TYPES).join(', ')})`);
    if (!value) throw new DnError(`empty value for ${type}`);
    if (type === 'C' && !/^[A-Za-z]{2}$/.test(value)) throw new DnError('C must be a two-letter country code');
    rdns.push({ type, value });
  }
  return rdns;
}

/** The Name, one attribute per RDN: C as PrintableString, DC as IA5String, the rest UTF8String. */
export function dnNode(text: string): Node {
  const attributes = parseDn(text)
    .reverse()
    .map((r) => ({
      type: TYPES[r.type]!,
      value: r.value,
      valueTagClass: (r.type === 'C' ? Type.PRINTABLESTRING : r.type === 'DC' ? Type.IA5STRING : Type.UTF8) as unknown as forge.asn1.Class,
    }));
  return forge.pki.distinguishedNameToAsn1({ attributes });
}

export const encodeDn = (text: string): Buffer => der(dnNode(text));

const escapeValue = (v: string): string => v.replace(/([,+"\\<>;=])/g, '\\$1');

/** A DER Name as keytool prints it: most specific RDN first, multi-valued RDNs joined by `+`. */
export function nameToString(name: Node): string {
  const rdns = kids(name).map((rdn) =>
    kids(rdn)
      .map((atv) => {
        const [type, value] = kids(atv);
        const id = oidOf(type!);
        return `${PRINTED[id] ?? `OID.${id}`}=${escapeValue(textOf(value!))}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(', ');
}
