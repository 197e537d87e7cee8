// Distinguished names as operators type them ("CN=nifi-ca, OU=NIFI", most specific first, as keytool
// and the toolkit print them) <-> DER Name (most general RDN first).
import { ia5, oid, printable, seq, set, utf8 } from '../trust/der.js';

const TYPES: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  DC: '0.9.2342.19200300.100.1.25',
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

export function encodeDn(text: string): Buffer {
  const rdns = parseDn(text);
  return seq(
    ...rdns.reverse().map((r) => {
      const o = TYPES[r.type]!;
      const v = r.type === 'C' ? printable(r.value) : r.type === 'DC' ? ia5(r.value) : utf8(r.value);
      return set(seq(oid(o), v));
    }),
  );
}
