/** A source whose failures are tolerated this long before /readyz says so (one retry of a dropped watch is routine). */
export const DEFAULT_FAILURE_TOLERANCE_MS = 30_000;

/**
 * What /readyz reports. Ready means serving the current policies with a valid certificate: policy and
 * certificate in use (set by whoever put them in use, after listening), every first sync done, no
 * source failing for longer than the tolerance, the certificate not expired, and not shutting down.
 */
export class Readiness {
  #policy = false;
  /** notAfter (ms) of the certificate being served; undefined until one is in use. */
  #certificateNotAfter: number | undefined;
  #shuttingDown = false;
  readonly #pending = new Set<string>();
  readonly #failing = new Map<string, { since: number; reason: string }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly toleranceMs: number = DEFAULT_FAILURE_TOLERANCE_MS,
  ) {}

  /** Something that must finish before the first review, e.g. the first list of cluster policies. */
  waitFor(what: string): void {
    this.#pending.add(what);
  }

  done(what: string): void {
    this.#pending.delete(what);
  }

  /** What has not finished yet; reviews are not answered until it is empty. */
  get unsynced(): string[] {
    return [...this.#pending];
  }

  /** `what` keeps failing (e.g. the policy watch): its policies may be stale. The first failure's time is kept. */
  failing(what: string, reason: string): void {
    const since = this.#failing.get(what)?.since ?? this.now();
    this.#failing.set(what, { since, reason });
  }

  recovered(what: string): void {
    this.#failing.delete(what);
  }

  policyLoaded(): void {
    this.#policy = true;
  }

  /** The certificate now being served; `notAfter` as X.509 prints it (or any Date-parsable text). */
  certificateLoaded(notAfter?: string): void {
    const t = notAfter === undefined ? Infinity : Date.parse(notAfter);
    this.#certificateNotAfter = Number.isNaN(t) ? Infinity : t;
  }

  shuttingDown(): void {
    this.#shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Every reason the process is not ready; empty when ready. */
  problems(): string[] {
    const out: string[] = [];
    const now = this.now();
    if (!this.#policy) out.push('policy not loaded');
    if (this.#certificateNotAfter === undefined) out.push('certificate not loaded');
    else if (this.#certificateNotAfter <= now) out.push(`certificate expired at ${new Date(this.#certificateNotAfter).toISOString()}`);
    for (const what of this.#pending) out.push(`${what} not synced`);
    for (const [what, f] of this.#failing) {
      const seconds = Math.floor((now - f.since) / 1000);
      if (now - f.since >= this.toleranceMs) out.push(`${what} stale: ${f.reason} (failing for ${seconds} s)`);
    }
    if (this.#shuttingDown) out.push('shutting down');
    return out;
  }
}
