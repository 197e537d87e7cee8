// The subject of a rotated CA. Every generation used to carry the same DN, so `keytool -list` and
// `ca inspect` showed two indistinguishable "CN=nifi-ca, OU=NIFI" entries. The toolkit itself takes any
// DN for a reused CA (it reads the certificate from the keystore; config.json's dn only names a CA it
// generates) and NiFi checks signatures, not names; so the DN is kept and its CN gains a generation
// number, "CN=nifi-ca #2, OU=NIFI", one past the highest generation of that name in the bundle.
import { parseDn, type Rdn } from '../pki/dn.js';

/** X.520's upper bound for a common name. */
const CN_MAX = 64;
const GENERATION = /^(.*?) #(\d+)$/;

function format(rdns: readonly Rdn[]): string {
  return rdns.map((r) => `${r.type}=${r.value.replace(/([,\\])/g, '\\$1')}`).join(', ');
}

function split(cn: string): { base: string; generation: number } {
  const m = GENERATION.exec(cn);
  return m ? { base: m[1]!, generation: Number(m[2]) } : { base: cn, generation: 1 };
}

/**
 * `current`'s DN with the CN's generation one higher than any generation of the same name and the
 * same other RDNs in `taken` (the bundle's subjects). Throws DnError for a DN outside what `--subject` takes.
 */
export function rotatedSubject(current: string, taken: readonly string[]): string {
  const rdns = parseDn(current);
  const i = rdns.findIndex((r) => r.type === 'CN');
  if (i < 0) return current;
  const { base } = split(rdns[i]!.value);
  const key = (dn: string): string | undefined => {
    try {
      const r = parseDn(dn);
      const j = r.findIndex((x) => x.type === 'CN');
      if (j !== i || r.length !== rdns.length) return undefined;
      if (split(r[j]!.value).base !== base) return undefined;
      return format(r.filter((_, k) => k !== j));
    } catch {
      return undefined; // a subject --subject could not have made is no generation of ours
    }
  };
  const rest = key(current);
  let highest = split(rdns[i]!.value).generation;
  for (const dn of taken) if (key(dn) === rest) highest = Math.max(highest, split(parseDn(dn).find((r) => r.type === 'CN')!.value).generation);
  const suffix = ` #${highest + 1}`;
  const next = [...rdns];
  next[i] = { type: 'CN', value: base.slice(0, CN_MAX - suffix.length) + suffix };
  return format(next);
}
