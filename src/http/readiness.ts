/** What /readyz reports: ready once policy and certificate are loaded, and not shutting down. */
export class Readiness {
  #policy = false;
  #certificate = false;
  #shuttingDown = false;
  readonly #pending = new Set<string>();

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

  policyLoaded(): void {
    this.#policy = true;
  }

  certificateLoaded(): void {
    this.#certificate = true;
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
    if (!this.#policy) out.push('policy not loaded');
    if (!this.#certificate) out.push('certificate not loaded');
    for (const what of this.#pending) out.push(`${what} not synced`);
    if (this.#shuttingDown) out.push('shutting down');
    return out;
  }
}
