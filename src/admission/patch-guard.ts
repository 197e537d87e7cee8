import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

/** Which operation of a patch failed and how; never the values or the document (they are the pod). */
export interface PatchProblem {
  /** fast-json-patch's error name, e.g. OPERATION_PATH_UNRESOLVABLE. */
  code: string;
  index: number;
  op: string;
}

/**
 * The last check before answering: the patch applied to a copy of request.object with
 * fast-json-patch's validation. An unappliable patch fails the pod's creation whatever the
 * failurePolicy; caught here, the webhook answers 500 instead and the failurePolicy decides.
 */
export function patchProblem(object: Record<string, unknown>, patch: readonly Operation[]): PatchProblem | undefined {
  if (patch.length === 0) return undefined;
  // validate() applies deep copies of both: the patch we answer with is never touched.
  let err: { name: string; index?: number } | undefined;
  try {
    err = jsonpatch.validate(patch, object);
  } catch (thrown) {
    // A path through __proto__ or constructor/prototype: fast-json-patch throws a TypeError instead.
    err = { name: thrown instanceof Error ? thrown.name : 'Error' };
  }
  if (!err) return undefined;
  // Its message embeds the operation and the whole document: only name and index are kept.
  const index = typeof err.index === 'number' ? err.index : -1;
  return { code: err.name, index, op: patch[index]?.op ?? 'unknown' };
}
