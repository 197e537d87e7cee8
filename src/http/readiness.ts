/** What /readyz reports: ready once policy and certificate are loaded, and not shutting down. */
export class Readiness {
  #policy = false;
  #certificate = false;
  #shuttingDown = false;

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
    if (this.#shuttingDown) out.push('shutting down');
    return out;
  }
}
