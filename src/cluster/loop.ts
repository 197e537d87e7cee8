// A serialized, self-rescheduling loop: one round at a time (a kick while a round runs waits for it),
// the next round after the delay the round returns, or after `onError`'s delay when it throws. The Lease
// elector and the TLS sync both run on it, so neither can overlap its own cluster writes.

export interface Loop {
  /** One round now (after any round in flight); resolves when it is done. The timer keeps running. */
  kick(): Promise<void>;
  /** No more rounds; resolves once the round in flight (if any) is done. */
  stop(): Promise<void>;
}

export interface LoopOptions {
  /** One round; resolves to the delay before the next one, in ms. */
  round: () => Promise<number>;
  /** The delay after a round that threw (`failures` consecutive failures so far, at least 1). */
  onError: (err: unknown, failures: number) => number;
}

export function serialLoop(o: LoopOptions): Loop {
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = (ms: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void kick(), Math.max(0, ms));
    timer.unref();
  };

  const kick = (): Promise<void> => {
    running = running.then(async () => {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      let next: number;
      try {
        next = await o.round();
        failures = 0;
      } catch (err) {
        failures++;
        next = o.onError(err, failures);
      }
      schedule(next);
    });
    return running;
  };

  return {
    kick,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
