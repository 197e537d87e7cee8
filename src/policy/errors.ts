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

/** A policy file that could not be read at all; the message says what to pass instead. */
export class PolicyFileError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(`policy file ${path} ${unreadable(path, code)}`);
    this.name = 'PolicyFileError';
  }
}

function unreadable(path: string, code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'does not exist: pass the path of a NiFiTrustPolicy file (YAML or JSON; `nifi-ca-guard policy suggest` writes one)';
    case 'EISDIR':
      return `is a directory: pass the policy file itself (e.g. ${path.replace(/\/+$/, '')}/policy.yaml)`;
    case 'ENOTDIR':
      return 'does not exist (a parent is a file): pass the path of a NiFiTrustPolicy file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied): make it readable, or pass another file';
    default:
      return `cannot be read (${code})`;
  }
}

/** At most this many issues are shown one per line; the rest are counted (a broken object may have thousands). */
export const MAX_ISSUE_LINES = 50;

/**
 * A refused policy for people: a headline, then one issue per line (a policy with many problems
 * used to come as one line of 1,000 characters). One issue stays on the headline.
 */
export function policyErrorLines(err: PolicyError, max = MAX_ISSUE_LINES): string[] {
  if (err.issues.length === 1) return [`invalid policy ${err.source}: ${err.issues[0]}`];
  const shown = err.issues.slice(0, max).map((i) => `  ${i}`);
  const more = err.issues.length - shown.length;
  return [`invalid policy ${err.source}: ${err.issues.length} problems:`, ...shown, ...(more > 0 ? [`  ... and ${more} more`] : [])];
}
