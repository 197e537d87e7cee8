// `ca restore`: the nifi-ca init container. Copies the pinned keystore and config.json from the
// mounted private Secret into the toolkit's writable working directory, after checking they open.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseToolkitConfig, TOOLKIT_CONFIG_FILE } from '../ca/toolkit.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { inspectBytes } from '../trust/inspect.js';
import { guard, out } from './ca-common.js';
import { CliError } from './errors.js';
import { ioReason } from './password.js';

export async function restore(f: { from: string; to: string }): Promise<void> {
  const cfgPath = join(f.from, TOOLKIT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(cfgPath, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${cfgPath}: ${ioReason(err)}`);
  }
  const cfg = guard(() => parseToolkitConfig(text));
  const ksFrom = join(f.from, cfg.keyStore);
  let ks: Buffer;
  try {
    ks = await readFile(ksFrom);
  } catch (err) {
    throw new CliError(`cannot read ${ksFrom}: ${ioReason(err)}`);
  }
  const key = guard(() => inspectBytes(ks, cfg.keyStorePassword)).entries.find((e) => e.kind === 'key');
  if (!key) throw new CliError(`${ksFrom} holds no CA key entry`);
  try {
    await writeFileAtomic(join(f.to, cfg.keyStore), ks, 0o600);
    await writeFileAtomic(join(f.to, TOOLKIT_CONFIG_FILE), text, 0o600);
  } catch (err) {
    throw new CliError(`cannot write to ${f.to}: ${ioReason(err)}`);
  }
  out(`restored ${cfg.keyStore} and ${TOOLKIT_CONFIG_FILE} to ${f.to}: CA ${key.cert.subject} SHA-256 ${key.cert.sha256}`);
}
