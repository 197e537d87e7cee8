/**
 * Objects the API server sends are bounded by their schema (a pod nests a few dozen levels at most);
 * anything far deeper is hostile and would exhaust the stack of the recursive planners.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * True when `value` nests arrays/objects deeper than `max`. Iterative: safe on any input. It walks every
 * request body, so it allocates nothing per value: containers and their depths on two parallel stacks.
 */
export function depthExceeds(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const d = depths.pop()!;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (child !== null && typeof child === 'object') (stack.push(child), depths.push(d + 1));
      }
    } else {
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        const child: unknown = (v as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') (stack.push(child), depths.push(d + 1));
      }
    }
  }
  return false;
}
