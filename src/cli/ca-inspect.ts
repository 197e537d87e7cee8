// `ca inspect`: subject, serial, fingerprints and expiry of every certificate in a bundle, a store,
// a Secret manifest or a live Secret: what an operator otherwise compares with keytool on every pod.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { secretData, secretKeys, type SecretManifest } from '../ca/secrets.js';
import { parseToolkitConfig, TOOLKIT_CONFIG_FILE } from '../ca/toolkit.js';
import { inspectBytes, type InspectedEntry } from '../trust/inspect.js';
import { guard, out, warn } from './ca-common.js';
import { CliError } from './errors.js';
import { ioReason, readPassword } from './password.js';
import { isSecret, kubeStore } from './secret-store.js';

export interface InspectFlags {
  secret?: string;
  namespace: string;
  passwordFile?: string;
  passwordEnv?: string;
  json?: boolean;
}

interface Row {
  source: string;
  alias: string;
  kind: string;
  subject: string;
  issuer: string;
  serial: string;
  sha256: string;
  md5: string;
  notBefore: string;
  notAfter: string;
  ca: boolean;
  expired: boolean;
}

function rows(source: string, entries: InspectedEntry[], now: Date): Row[] {
  return entries.map((e) => ({
    source,
    alias: e.alias,
    kind: e.kind,
    subject: e.cert.subject,
    issuer: e.cert.issuer,
    serial: e.cert.serial,
    sha256: e.cert.sha256,
    md5: e.cert.md5,
    notBefore: e.cert.notBefore.toISOString(),
    notAfter: e.cert.notAfter.toISOString(),
    ca: e.cert.isCA,
    expired: e.cert.notAfter.getTime() <= now.getTime(),
  }));
}

function inspectSecretObject(secret: SecretManifest, source: string, password: string | undefined, now: Date): { rows: Row[]; warnings: string[] } {
  const all: Row[] = [];
  const warnings: string[] = [];
  // A private Secret carries the keystore password in its config.json.
  const cfgBytes = secretData(secret, TOOLKIT_CONFIG_FILE);
  let ksPassword = password;
  if (cfgBytes && ksPassword === undefined) {
    try {
      ksPassword = parseToolkitConfig(cfgBytes.toString('utf8')).keyStorePassword;
    } catch (err) {
      warnings.push(`${source}/${TOOLKIT_CONFIG_FILE}: ${err instanceof Error ? err.message : 'unreadable'}`);
    }
  }
  for (const key of secretKeys(secret)) {
    if (key === TOOLKIT_CONFIG_FILE) continue;
    const bytes = secretData(secret, key)!;
    try {
      const r = inspectBytes(bytes, ksPassword);
      all.push(...rows(`${source}/${key}`, r.entries, now));
      warnings.push(...r.warnings.map((w) => `${source}/${key}: ${w}`));
    } catch (err) {
      warnings.push(`${source}/${key}: ${err instanceof Error ? err.message : 'unreadable'}`);
    }
  }
  return { rows: all, warnings };
}

export async function inspect(file: string | undefined, f: InspectFlags): Promise<void> {
  const password = await readPassword(f);
  const now = new Date();
  let result: { rows: Row[]; warnings: string[] };
  if (f.secret) {
    if (file) throw new CliError('give a FILE or --secret NAME, not both');
    const store = await kubeStore(f.namespace);
    const s = await store.get(f.secret);
    if (!s) throw new CliError(`Secret ${f.namespace}/${f.secret} not found`);
    result = inspectSecretObject(s, `secret/${f.secret}`, password, now);
  } else {
    if (!file) throw new CliError('give a FILE (bundle, keystore or Secret manifest) or --secret NAME');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${ioReason(err)}`);
    }
    const secrets = manifestSecrets(bytes);
    if (secrets.length) {
      result = { rows: [], warnings: [] };
      for (const s of secrets) {
        const r = inspectSecretObject(s, `secret/${s.metadata.name}`, password, now);
        result.rows.push(...r.rows);
        result.warnings.push(...r.warnings);
      }
    } else {
      const r = guard(() => inspectBytes(bytes, password));
      result = { rows: rows(file, r.entries, now), warnings: r.warnings };
    }
  }
  for (const w of result.warnings) warn(w);
  // Nothing to compare is an error in either format, so scripts can rely on the exit status.
  if (result.rows.length === 0) throw new CliError('no certificate found');
  if (f.json) {
    out(JSON.stringify(result.rows, null, 2));
    return;
  }
  for (const r of result.rows) {
    out(`${r.source}${r.alias ? ` alias ${r.alias}` : ''} (${r.kind}${r.ca ? ', CA' : ''})`);
    out(`  subject:   ${r.subject}`);
    out(`  issuer:    ${r.issuer}`);
    out(`  serial:    ${r.serial}`);
    out(`  SHA-256:   ${r.sha256}`);
    out(`  MD5:       ${r.md5}`);
    out(`  notAfter:  ${r.notAfter}${r.expired ? ' EXPIRED' : ''}`);
  }
}

/** Secret manifests in a YAML file (one or more documents, or a List); none for other files. */
function manifestSecrets(bytes: Buffer): SecretManifest[] {
  const text = bytes.toString('utf8');
  if (!/^\s*kind:\s*(Secret|List)\b/m.test(text)) return [];
  const found: SecretManifest[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      const v = doc.toJS() as unknown;
      if (isSecret(v)) found.push(v);
      const items = (v as { kind?: string; items?: unknown[] } | null)?.kind === 'List' ? (v as { items: unknown[] }).items : [];
      for (const i of items ?? []) if (isSecret(i)) found.push(i);
    }
  } catch {
    return [];
  }
  return found;
}
