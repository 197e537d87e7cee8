// `truststore --merge`: the file edge of trust/merge.ts. The store must already exist (an enrolment
// step wrote it); it is replaced atomically, keeping its mode and (where allowed) its owner, or left
// untouched when it already holds the bundle.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../trust/atomic-write.js';
import type { Anchors } from '../trust/bundle.js';
import { MergeError, mergeTruststore, type MergeResult } from '../trust/merge.js';
import { CliError } from './errors.js';
import { ioReason } from './password.js';
import type { TruststoreFlags, TruststoreRun } from './truststore.js';

export async function mergeInto(flags: TruststoreFlags, run: TruststoreRun, anchors: Anchors, password: string | undefined): Promise<void> {
  const out = flags.out;
  let st;
  let store: Buffer;
  try {
    st = await stat(out);
    if (st.isDirectory()) throw new CliError(`${out} is a directory, not a truststore`);
    store = await readFile(out);
  } catch (err) {
    if (err instanceof CliError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${out} does not exist: the enrolment step did not write it`);
    throw new CliError(`cannot read ${out}: ${ioReason(err)}`);
  }
  let r: MergeResult;
  try {
    r = mergeTruststore({ store, type: flags.type, password, anchors: anchors.trusted, now: run.now, salt: randomBytes(20), mac: flags.mac });
  } catch (err) {
    if (err instanceof MergeError) throw new CliError(`${out}: ${err.message}`);
    throw err;
  }
  if (!r.bytes) {
    if (!flags.quiet) run.stdout(`${out} already trusts every bundle CA (${anchors.trusted.length}); unchanged`);
    return;
  }
  const myUid = process.getuid?.();
  const myGid = process.getgid?.();
  const owner = st.uid !== myUid || st.gid !== myGid ? { uid: st.uid, gid: st.gid } : undefined;
  let ownerKept: boolean;
  try {
    ({ ownerKept } = await writeFileAtomic(out, r.bytes, st.mode & 0o777, owner));
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${ioReason(err)}`);
  }
  if (!ownerKept) run.stderr(`warning: ${out} is now owned by uid ${myUid} gid ${myGid} (was ${st.uid}:${st.gid}): run as the store's owner to keep it`);
  if (flags.quiet) return;
  const keys = r.keys.length ? `; ${r.keys.length} key entr${r.keys.length === 1 ? 'y' : 'ies'} kept` : '';
  run.stdout(`merged ${r.added.length} bundle CA(s) into ${out} (${flags.type}): ${r.trusted.length} trusted: ${r.trusted.join(', ')}${keys}`);
  if (r.removed.length) run.stdout(`removed ${r.removed.length} CA(s) no longer in the bundle: ${r.removed.join(', ')}`);
}
