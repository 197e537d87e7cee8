// `ca inspect`: subject, serial, fingerprints and expiry of every certificate in a bundle, a store,
// a Secret manifest or a live Secret: what an operator otherwise compares with keytool on every pod.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { readPrivateSecret } from '../ca/pin.js';
import { BUNDLE_KEY, DEFAULT_PRIVATE_SECRET, secretData, secretKeys, type SecretManifest } from '../ca/secrets.js';
import { parseToolkitConfig, TOOLKIT_CONFIG_FILE } from '../ca/toolkit.js';
import { certInfo } from '../trust/cert.js';
import { inspectBytes, type InspectedEntry } from '../trust/inspect.js';
import { guard, out, warn } from './ca-common.js';
import { CliError } from './errors.js';
import { kubeStore } from './kube-store.js';
import { ioReason, readPassword } from './password.js';
import { isSecret, manifestPath } from './secret-store.js';

export interface InspectFlags {
  secret?: string;
  namespace: string;
  /** The private Secret whose CA is the active one, marked in a bundle. */
  privateSecret?: string;
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
  /** The CA the private Secret holds (nifi-ca signs with it), when that Secret was found. */
  active: boolean;
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
    active: false,
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

/** SHA-256 of the CA a private Secret pins, or undefined when it is not one (or unreadable). */
function activeOf(secret: SecretManifest | undefined): string | undefined {
  if (!secret || !secretData(secret, TOOLKIT_CONFIG_FILE)) return undefined;
  try {
    return certInfo(readPrivateSecret(secret).caCert).sha256;
  } catch {
    return undefined;
  }
}

/** A sibling manifest `<dir>/<name>.yaml` (the layout `ca --dir` writes), if there is a readable one. */
async function siblingManifest(file: string, name: string): Promise<SecretManifest | undefined> {
  try {
    const doc = parse(await readFile(manifestPath(dirname(file), name), 'utf8')) as unknown;
    return isSecret(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Marks the active CA's rows; a bundle that lacks it is worth a warning: its pods would not trust nifi-ca. */
function markActive(result: { rows: Row[]; warnings: string[] }, secrets: SecretManifest[], active: { sha256: string; source: string } | undefined): void {
  if (!active) return;
  for (const r of result.rows) if (r.sha256 === active.sha256) r.active = true;
  for (const s of secrets) {
    if (!secretData(s, BUNDLE_KEY)) continue;
    const source = `secret/${s.metadata.name}`;
    if (!result.rows.some((r) => r.source === `${source}/${BUNDLE_KEY}` && r.active)) {
      result.warnings.push(`${source} lacks the active CA of ${active.source} (SHA-256 ${active.sha256}): NiFi pods would not trust nifi-ca; ca prune puts it back`);
    }
  }
}

export async function inspect(file: string | undefined, f: InspectFlags): Promise<void> {
  const password = await readPassword(f);
  const now = new Date();
  const privateName = f.privateSecret ?? DEFAULT_PRIVATE_SECRET;
  let result: { rows: Row[]; warnings: string[] };
  let inspected: SecretManifest[] = [];
  let active: { sha256: string; source: string } | undefined;
  if (f.secret) {
    if (file) throw new CliError('give a FILE or --secret NAME, not both');
    const store = await kubeStore(f.namespace, { offline: 'a FILE (a Secret manifest, bundle or keystore)' });
    const s = (await store.get(f.secret))?.secret;
    if (!s) throw new CliError(`Secret ${f.namespace}/${f.secret} not found`);
    result = inspectSecretObject(s, `secret/${f.secret}`, password, now);
    inspected = [s];
    let priv: SecretManifest | undefined = s;
    if (f.secret !== privateName) {
      try {
        priv = (await store.get(privateName))?.secret;
      } catch (err) {
        warn(`cannot tell which CA is active: ${err instanceof Error ? err.message : 'cannot read'} (--private-secret names the private Secret)`);
        priv = undefined;
      }
    }
    const sha = activeOf(priv);
    if (sha) active = { sha256: sha, source: `secret/${priv!.metadata.name}` };
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
      inspected = secrets;
      // The private Secret in the same file, else beside it (the layout `ca --dir` writes).
      const priv = secrets.find((s) => s.metadata.name === privateName && activeOf(s)) ?? secrets.find((s) => activeOf(s)) ?? (await siblingManifest(file, privateName));
      const sha = activeOf(priv);
      if (sha) active = { sha256: sha, source: `secret/${priv!.metadata.name}` };
    } else {
      const r = guard(() => inspectBytes(bytes, password));
      result = { rows: rows(file, r.entries, now), warnings: r.warnings };
    }
  }
  markActive(result, inspected, active);
  for (const w of result.warnings) warn(w);
  // Nothing to compare is an error in either format, so scripts can rely on the exit status.
  if (result.rows.length === 0) throw new CliError('no certificate found');
  if (f.json) {
    out(JSON.stringify(result.rows, null, 2));
    return;
  }
  for (const r of result.rows) {
    out(`${r.source}${r.alias ? ` alias ${r.alias}` : ''} (${r.kind}${r.ca ? ', CA' : ''})${r.active ? ' (active)' : ''}`);
    out(`  subject:   ${r.subject}`);
    out(`  issuer:    ${r.issuer}`);
    out(`  serial:    ${r.serial}`);
    out(`  SHA-256:   ${r.sha256}`);
    out(`  MD5:       ${r.md5}`);
    out(`  notBefore: ${r.notBefore}`);
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
