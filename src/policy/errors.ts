/** A refused policy: `issues` holds one "field.path: problem" line each. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid policy ${source}: ${issues.join('; ')}`);
    this.name = 'PolicyError';
  }
}
