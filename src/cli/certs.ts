import { readFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { validity } from '../pki/index.js';
import { isDnsName, serviceDnsNames } from '../tls/names.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { CliError } from './errors.js';
import { makeDirectory } from './make-dir.js';
import type { Register } from './index.js';

export const DEFAULT_DAYS = 365;
/** The CA outlives its serving certificates, so renewing a leaf never means a new caBundle. */
export const DEFAULT_CA_DAYS = 3650;
const MAX_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

interface CertsFlags {
  out: string;
  dns?: string[];
  days?: string;
  caDays?: string;
  newCa?: boolean;
}

/** `nifi-ca-guard certs --out DIR`: a development CA and a serving certificate for the webhook. */
export const registerCerts: Register = (program: Command) => {
  program
    .command('certs')
    .description('write a development CA (ca.crt, ca.key) and a serving certificate (tls.crt, tls.key) into a directory; a CA already there is kept and signs the new certificate')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--dns <names...>', `DNS names for the serving certificate (default: ${serviceDnsNames().join(', ')}); localhost and 127.0.0.1 are always added`)
    .option('--days <n>', `serving certificate validity in days (default: ${DEFAULT_DAYS}; never beyond the CA's)`)
    .option('--ca-days <n>', `validity of a new CA in days (default: ${DEFAULT_CA_DAYS})`)
    .option('--new-ca', 'replace the CA in DIR with a new one (every caBundle holding the old one must then be updated)')
    .action(async (flags: CertsFlags) => {
      await runCerts(flags, new Date(), (line) => process.stdout.write(`${line}\n`));
    });
};

export async function runCerts(flags: CertsFlags, now: Date, print: (line: string) => void): Promise<void> {
  const days = parseDays('--days', flags.days, DEFAULT_DAYS);
  const caDays = parseDays('--ca-days', flags.caDays, DEFAULT_CA_DAYS);
  const dnsNames = flags.dns && flags.dns.length > 0 ? flags.dns.map((n) => n.toLowerCase()) : serviceDnsNames();
  const bad = dnsNames.filter((n) => !isDnsName(n));
  if (bad.length > 0) throw new CliError(`--dns: not a valid DNS name: ${bad.join(', ')}`);

  const existing = flags.newCa ? undefined : await readCa(flags.out, now);
  const ca = existing ?? (await developmentCa(now, caDays));
  const leaf = await servingCertificate(now, ca, dnsNames, days, flags.out);
  await makeDirectory(flags.out, '--out');
  try {
    // The CA first: a crash in between leaves a CA whose leaf is missing (rerun), never a leaf whose CA is.
    if (!existing) {
      await writeFileAtomic(join(flags.out, 'ca.key'), ca.key, 0o600);
      await writeFileAtomic(join(flags.out, 'ca.crt'), ca.cert, 0o644);
    }
    await writeFileAtomic(join(flags.out, 'tls.key'), leaf.key, 0o600);
    await writeFileAtomic(join(flags.out, 'tls.crt'), leaf.cert, 0o644);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--out ${flags.out}: cannot write (${e.code ?? e.message})`);
  }
  const caX509 = new X509Certificate(ca.cert);
  const leafX509 = new X509Certificate(leaf.cert);
  const written = existing ? ['tls.crt', 'tls.key'] : ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'];
  print(`wrote ${written.map((f) => join(flags.out, f)).join(', ')}`);
  print(existing ? `kept the CA in ${flags.out} (valid until ${caX509.validTo}): caBundles holding it stay valid` : `new CA, valid until ${caX509.validTo}`);
  print(`names: ${[...new Set([...dnsNames, 'localhost'])].join(', ')}, IP 127.0.0.1; serving certificate valid until ${leafX509.validTo}`);
  if (Date.parse(leafX509.validTo) < now.getTime() + days * DAY_MS - 1000) print(`note: the serving certificate ends with its CA; run with --new-ca before ${caX509.validTo}`);
  print(`CA SHA-256 fingerprint: ${caX509.fingerprint256}`);
}

interface CaPem {
  cert: string;
  key: string;
}

/** selfsigned ends its PEM without a newline (and may use CRLF): `cat ca.crt other.crt` must stay a valid bundle. */
function pemText(pem: string): string {
  const lf = pem.replace(/\r\n/g, '\n');
  return lf.endsWith('\n') ? lf : `${lf}\n`;
}

/**
 * Development certificates come from selfsigned (loaded here only: no other command pays for it), told
 * what the API server requires: SHA-256 (its default is SHA-1), RSA 2048, notBefore backdated (validity()).
 */
async function developmentCa(now: Date, caDays: number): Promise<CaPem> {
  const { generate } = await import('selfsigned');
  const { notBefore, notAfter } = validity(now, caDays * DAY_MS);
  const pems = await generate([{ name: 'commonName', value: 'nifi-ca-guard development CA' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      // Path length 0: it signs serving certificates only.
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pemText(pems.cert), key: pemText(pems.private) };
}

/** Signed by `ca`, SANs the DNS names plus localhost and 127.0.0.1 (the API server ignores the CN); never outlives its CA. */
async function servingCertificate(now: Date, ca: CaPem, dnsNames: readonly string[], days: number, dir: string): Promise<CaPem> {
  const { generate } = await import('selfsigned');
  const names = [...new Set([...dnsNames, 'localhost'])];
  const { notBefore, notAfter } = validity(now, days * DAY_MS);
  const caNotAfter = new X509Certificate(ca.cert).validToDate;
  try {
    const pems = await generate([{ name: 'commonName', value: names[0]! }], {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: caNotAfter < notAfter ? caNotAfter : notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] },
      ],
      ca: { cert: ca.cert, key: ca.key },
    });
    return { cert: pemText(pems.cert), key: pemText(pems.private) };
  } catch {
    // e.g. an ECDSA CA key someone put in DIR: selfsigned signs with RSA CA keys only.
    throw new CliError(`--out ${dir}: the CA there cannot sign an RSA serving certificate; run with --new-ca (and update the caBundle)`);
  }
}

/** The CA kept in DIR: undefined when DIR holds none; a one-line error when it holds a broken or expired one. */
async function readCa(dir: string, now: Date): Promise<CaPem | undefined> {
  const [cert, key] = await Promise.all([readOptional(join(dir, 'ca.crt')), readOptional(join(dir, 'ca.key'))]);
  if (cert === undefined && key === undefined) return undefined;
  // A ca.crt without its key comes from an older `certs`, which threw the key away: nothing can sign.
  if (key === undefined) throw new CliError(`--out ${dir}: ca.crt has no ca.key beside it, so it cannot sign; run with --new-ca (and update the caBundle)`);
  if (cert === undefined) throw new CliError(`--out ${dir}: ca.key has no ca.crt beside it; restore ca.crt or run with --new-ca`);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
    if (!x509.ca) throw new Error('not a CA');
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('key mismatch');
  } catch {
    throw new CliError(`--out ${dir}: ca.crt and ca.key are not a CA certificate and its key; run with --new-ca`);
  }
  if (Date.parse(x509.validTo) <= now.getTime()) throw new CliError(`--out ${dir}: the CA expired on ${x509.validTo}; run with --new-ca (and update the caBundle)`);
  return { cert, key };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined; // no CA yet; writing says what is wrong with DIR
    throw new CliError(`--out: cannot read ${file} (${e.code ?? e.message})`);
  }
}

function parseDays(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DAYS) throw new CliError(`${flag}: must be an integer from 1 to ${MAX_DAYS}, got "${raw}"`);
  return n;
}
