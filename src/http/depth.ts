/**
 * Objects the API server sends are bounded by their schema (a pod nests a few dozen levels at most);
 * anything far deeper is hostile and would exhaust the stack of the recursive planners.
 */
export const MAX_JSON_DEPTH = 512;

/** True when `value` nests arrays/objects deeper than `max`. Iterative: safe on any input. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 });
    }
  }
  return false;
}
