// Callers (tests, commands) waiting for a webview page to draw what they asked for: each waits for the
// first drawing it accepts, with a deadline, and every wait fails when the panel closes.

interface Waiter<T> {
  accepts: (drawn: T) => boolean;
  resolve: (drawn: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RenderWaiters<T> {
  private readonly waiting = new Set<Waiter<T>>();

  /** Resolves with the first drawing `accepts` takes; rejects with `timeoutMessage` after `timeoutMs`. */
  wait(accepts: (drawn: T) => boolean, timeoutMs: number, timeoutMessage: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        accepts,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(new Error(timeoutMessage));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** The page drew `drawn`: the waits that accept it are over. */
  drawn(drawn: T): void {
    for (const waiter of [...this.waiting]) {
      if (!waiter.accepts(drawn)) continue;
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
      waiter.resolve(drawn);
    }
  }

  /** The panel closed: every wait fails with `message`. */
  rejectAll(message: string): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(message));
    }
    this.waiting.clear();
  }
}
