import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * Writes via a temporary file and rename, so a server reloading the directory never reads
 * half a file. The mode is set explicitly: an existing file or the umask must not widen a key's.
 */
export function writeFileAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
