// What a pinned CA's two Secrets say, read the way a checker outside the CLI would: the bundle's
// certificates through node:crypto, the active CA from the private Secret's keystore.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { readPrivateSecret } from '../../src/ca/pin.js';
import type { SecretManifest } from '../../src/ca/secrets.js';
import type { CliResult } from './cli.js';

export interface PairState {
  /** SHA-256 (AB:CD:... as the CLI prints it) of the CA in the private Secret's keystore. */
  active: string;
  bundle: string[];
}

export function bundleFingerprints(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);
}

export function pairState(priv: unknown, trust: unknown): PairState {
  const t = trust as { data?: Record<string, string> };
  return {
    active: new X509Certificate(readPrivateSecret(priv as SecretManifest).caCert).fingerprint256,
    bundle: bundleFingerprints(Buffer.from(t.data?.['ca.crt'] ?? '', 'base64').toString('utf8')),
  };
}

export async function dirState(dir: string, priv = 'nifi-ca-keystore', trust = 'nifi-ca-trust'): Promise<PairState> {
  const read = async (name: string): Promise<unknown> => parse(await readFile(join(dir, `${name}.yaml`), 'utf8'));
  return pairState(await read(priv), await read(trust));
}

/** The SHA-256 a successful `ca rotate` printed for its new CA. */
export function rotatedTo(r: { stdout: string }): string {
  const m = /^new CA .* SHA-256 ([0-9A-F:]+)$/m.exec(r.stdout);
  if (!m) throw new Error(`no "new CA" line in: ${r.stdout}`);
  return m[1]!;
}

/** stderr without warning lines. */
export function errorLines(r: { stderr: string }): string[] {
  return r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('nifi-ca-guard: warning:'));
}

/**
 * Concurrent rotations ended well: the active CA is in the bundle; every rotation that exited 0 has its
 * CA in the bundle (none silently lost), and the active CA is one of theirs; every other one exited
 * non-zero with exactly one line saying why.
 */
export function expectRotationsConsistent(results: CliResult[], st: PairState, refusal: RegExp): void {
  expect(st.bundle, 'the active CA is in the bundle').to.include(st.active);
  const won = results.filter((r) => r.code === 0);
  expect(won.length, results.map((r) => r.stderr).join('\n')).to.be.at.least(1);
  for (const r of won) expect(st.bundle, `rotation to ${rotatedTo(r)} is in the bundle`).to.include(rotatedTo(r));
  expect(won.map(rotatedTo), 'the active CA is one a successful rotation made').to.include(st.active);
  for (const r of results.filter((x) => x.code !== 0)) {
    expect(r.code, r.stderr).to.equal(1);
    const lines = errorLines(r);
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(refusal);
  }
}
