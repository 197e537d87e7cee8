// Write-then-rename in the target's directory: readers see the old file or the new one, never a half.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Writes `data` to `path` atomically with `mode`. With `owner`, the new file is given that owner
 * first (a rewrite in place keeps the replaced file's owner); only root may always do so, so a
 * refused chown is not an error: `ownerKept` says whether it happened.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644, owner?: Owner): Promise<{ ownerKept: boolean }> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  let ownerKept = true;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      if (owner) {
        try {
          await fh.chown(owner.uid, owner.gid);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
          ownerKept = false;
        }
      }
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    // Make the rename itself durable where the platform allows syncing a directory.
    try {
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      /* directory fsync is best effort */
    }
  } finally {
    if (!renamed) await rm(tmp, { force: true });
  }
  return { ownerKept };
}
