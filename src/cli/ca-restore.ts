// `ca restore`: the nifi-ca init container. Copies the pinned keystore and config.json from the
// mounted private Secret into the toolkit's writable working directory, after checking they open.
import { join } from 'node:path';
import { TOOLKIT_CONFIG_FILE } from '../ca/toolkit.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { inspectBytes } from '../trust/inspect.js';
import { guard, out, readToolkitDir } from './ca-common.js';
import { CliError } from './errors.js';
import { ioReason } from './password.js';

export async function restore(f: { from: string; to: string }): Promise<void> {
  const { configText, config, keystore, keystorePath } = await readToolkitDir(f.from);
  const key = guard(() => inspectBytes(keystore, config.keyStorePassword)).entries.find((e) => e.kind === 'key');
  if (!key) throw new CliError(`${keystorePath} holds no CA key entry`);
  try {
    await writeFileAtomic(join(f.to, config.keyStore), keystore, 0o600);
    await writeFileAtomic(join(f.to, TOOLKIT_CONFIG_FILE), configText, 0o600);
  } catch (err) {
    throw new CliError(`cannot write to ${f.to}: ${ioReason(err)}`);
  }
  out(`restored ${config.keyStore} and ${TOOLKIT_CONFIG_FILE} to ${f.to}: CA ${key.cert.subject} SHA-256 ${key.cert.sha256}`);
}
