// A serialized, self-rescheduling loop: one round at a time (a kick while a round runs waits for it),
// the next round after the delay the round returns, or after `onError`'s delay when it throws. The Lease
// elector and the TLS sync both run on it, so neither can overlap its own cluster writes.

export interface Loop {
  /** One round now (after any round in flight); resolves when it is done. The timer keeps running. */
  kick(): Promise<void>;
  /**
   * A round `ms` from now: what a watch event asks for. Calls before it runs join it, so a burst of events
   * (the first list, an apply of many objects) makes one round.
   */
  kickSoon(ms: number): void;
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
  let soon: NodeJS.Timeout | undefined;
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
    kickSoon: (ms) => {
      if (stopped || soon) return;
      soon = setTimeout(() => {
        soon = undefined;
        void kick();
      }, ms);
      soon.unref();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (soon) clearTimeout(soon);
      await running;
    },
  };
}
