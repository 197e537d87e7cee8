import { mkdir } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { issueCertificates } from '../tls/issue.js';
import { isDnsName, serviceDnsNames } from '../tls/names.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { CliError } from './errors.js';
import type { Register } from './index.js';

export const DEFAULT_DAYS = 365;
const MAX_DAYS = 3650;

interface CertsFlags {
  out: string;
  dns?: string[];
  days?: string;
}

/** `nifi-ca-guard certs --out DIR`: a development CA and a serving certificate for the webhook. */
export const registerCerts: Register = (program: Command) => {
  program
    .command('certs')
    .description('write a development CA (ca.crt) and serving certificate (tls.crt, tls.key) into a directory')
    .requiredOption('--out <dir>', 'directory to write into (created if missing; files are replaced)')
    .option('--dns <names...>', `DNS names for the serving certificate (default: ${serviceDnsNames().join(', ')}); localhost and 127.0.0.1 are always added`)
    .option('--days <n>', `validity in days (default: ${DEFAULT_DAYS})`)
    .action(async (flags: CertsFlags) => {
      await runCerts(flags, new Date(), (line) => process.stdout.write(`${line}\n`));
    });
};

export async function runCerts(flags: CertsFlags, now: Date, print: (line: string) => void): Promise<void> {
  const days = parseDays(flags.days);
  const dnsNames = flags.dns && flags.dns.length > 0 ? flags.dns.map((n) => n.toLowerCase()) : serviceDnsNames();
  const bad = dnsNames.filter((n) => !isDnsName(n));
  if (bad.length > 0) throw new CliError(`--dns: not a valid DNS name: ${bad.join(', ')}`);

  const issued = issueCertificates(now, { dnsNames, days });
  try {
    await mkdir(flags.out, { recursive: true });
    await writeFileAtomic(join(flags.out, 'ca.crt'), issued.caCert, 0o644);
    await writeFileAtomic(join(flags.out, 'tls.crt'), issued.cert, 0o644);
    await writeFileAtomic(join(flags.out, 'tls.key'), issued.key, 0o600);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--out ${flags.out}: cannot write (${e.code ?? e.message})`);
  }
  const ca = new X509Certificate(issued.caCert);
  print(`wrote ${join(flags.out, 'ca.crt')}, ${join(flags.out, 'tls.crt')}, ${join(flags.out, 'tls.key')}`);
  print(`names: ${[...new Set([...dnsNames, 'localhost'])].join(', ')}, IP 127.0.0.1; valid ${days} days`);
  print(`CA SHA-256 fingerprint: ${ca.fingerprint256}`);
}

function parseDays(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DAYS;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DAYS) throw new CliError(`--days: must be an integer from 1 to ${MAX_DAYS}, got "${raw}"`);
  return n;
}
