// `nifi-ca-guard truststore`: the command the injected init container runs. Writes a fresh store,
// or with --merge adds the bundle to the store an enrolment step left (truststore-merge.ts).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { BundleError, selectAnchors, type Anchors } from '../trust/bundle.js';
import { buildTruststore, TRUSTSTORE_FORMATS, type TruststoreFormat } from '../trust/truststore.js';
import { CliError } from './errors.js';
import { ioReason, readPassword } from './password.js';
import { mergeInto } from './truststore-merge.js';

export interface TruststoreFlags {
  bundle: string;
  out: string;
  type: TruststoreFormat;
  merge?: boolean;
  passwordFile?: string;
  passwordEnv?: string;
  passwordJsonKey?: string;
  mac: 'sha1' | 'sha256';
  quiet?: boolean;
}

export interface TruststoreRun {
  now: Date;
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export async function runTruststore(flags: TruststoreFlags, run: TruststoreRun): Promise<void> {
  let text: string;
  try {
    text = await readFile(flags.bundle, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read bundle ${flags.bundle}: ${ioReason(err)}`);
  }
  const password = await readPassword(flags, run.env);
  if (flags.type !== 'pem' && !password) throw new CliError(`a ${flags.type} truststore needs --password-file or --password-env`);
  if (flags.type === 'pem' && password) run.stderr('warning: a pem truststore has no password; the password flag is ignored');
  let anchors: Anchors;
  try {
    anchors = selectAnchors(text, run.now);
  } catch (err) {
    if (err instanceof BundleError) throw new CliError(`bundle ${flags.bundle} ${err.message}`);
    throw err;
  }
  for (const w of anchors.warnings) run.stderr(`warning: ${w}`);
  const pw = flags.type === 'pem' ? undefined : password;
  if (flags.merge) return mergeInto(flags, run, anchors, pw);
  const bytes = buildTruststore(anchors.trusted, { format: flags.type, password: pw, salt: randomBytes(20), now: run.now, mac: flags.mac });
  try {
    await writeFileAtomic(flags.out, bytes, 0o644);
  } catch (err) {
    throw new CliError(`cannot write ${flags.out}: ${ioReason(err)}`);
  }
  if (!flags.quiet) {
    const dup = anchors.duplicates ? `, ${anchors.duplicates} duplicate(s) dropped` : '';
    run.stdout(
      `wrote ${flags.out} (${flags.type}): ${anchors.trusted.length} trusted CA certificate(s) ${anchors.trusted.map((c) => c.alias).join(' ')}${dup}`,
    );
  }
}

export function registerTruststore(program: Command): void {
  program
    .command('truststore')
    .description('write a Java truststore (PKCS12, JKS or PEM) from a PEM bundle of CA certificates, or --merge the bundle into an existing one')
    .requiredOption('--bundle <file>', 'PEM bundle: one or more CA certificates')
    .requiredOption('--out <file>', 'truststore to write (atomically); with --merge, the existing store to update in place')
    .addOption(new Option('--type <type>', 'truststore format (with --merge: the existing store\'s format)').choices([...TRUSTSTORE_FORMATS]).default('pkcs12'))
    .option('--merge', 'add every bundle CA to the existing --out store, keeping its entries; drop CAs this command added that left the bundle')
    .option('--password-file <file>', 'file holding the store password (pkcs12, jks)')
    .option('--password-json-key <key>', 'read --password-file as JSON and use the string at this key (e.g. trustStorePassword of the toolkit\'s config.json)')
    .option('--password-env <name>', 'environment variable holding the store password (pkcs12, jks)')
    .addOption(new Option('--mac <hash>', 'PKCS12 integrity MAC (sha256 needs Java 8u301/11.0.12+)').choices(['sha1', 'sha256']).default('sha1'))
    .option('-q, --quiet', 'no summary line on success')
    .action(async (flags: TruststoreFlags) => {
      await runTruststore(flags, {
        now: new Date(),
        env: process.env,
        stdout: (l) => process.stdout.write(`${l}\n`),
        stderr: (l) => process.stderr.write(`nifi-ca-guard: ${l}\n`),
      });
    });
}
