/**
 * Group commit, as databases do it for their log: a lone item is written on the next turn;
 * under load, what arrives while writes are in flight waits for one to finish and goes out
 * with the others in one write. Batches grow with the load instead of round trips, and a
 * quiet system adds no delay. Each caller is answered with its own item's result once the
 * write holding it is done.
 */
export interface GroupCommitOptions<T> {
  /** Weight of the items one write takes at most (a single heavier item still goes, alone). */
  maxWeight: number;
  /** An item's weight (default 1). */
  weight?: (item: T) => number;
  /**
   * A write that starts while none is in flight takes the oldest item alone (default false):
   * after a quiet spell the first caller is answered after a write of its own, not behind a
   * full batch; what arrived with it goes in the next write (with maxInFlight > 1, at once).
   */
  quickFirst?: boolean;
  /** Writes at once (default 1, which keeps batches largest). */
  maxInFlight?: number;
  /**
   * When a write of several items fails with an error this accepts, write its halves again
   * (and their halves, down to single items), so one bad item fails only its own caller, and
   * the others still go out in few writes. Default: every caller of the failed write gets its
   * error. Say no to errors that every item would meet alike (the database is down), so an
   * outage is not tried once per item.
   */
  isolateFailures?: (error: unknown) => boolean;
  /**
   * A caller not answered within this is rejected with `expired()` (default: no limit). An
   * item still waiting then is dropped, never written; one whose write is in flight may still
   * be written (its caller was told it failed, which is safe for a caller that retries). This
   * bounds both the caller's wait and the queue when writes hang (a stopped Redis).
   */
  deadline?: { ms: number; expired(): Error };
}

/**
 * The error of an item that failed in a write of its own while other items of the write it
 * came in succeeded: a sign the item itself is the trouble. `cause` is the write's error.
 */
export class IsolatedFailure extends Error {
  constructor(cause: unknown) {
    super((cause as Error | null)?.message ?? String(cause), { cause });
    this.name = 'IsolatedFailure';
  }
}

/** `alone`: the item failed in a write of its own. */
type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown; alone: boolean };

interface Waiting<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
  /** The deadline's timer, if there is one. */
  timer?: NodeJS.Timeout;
  /** Answered already (deadline passed): skip when taking. */
  done?: boolean;
}

export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** `write` returns one result per item, in the items' order. */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly o: GroupCommitOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      const w: Waiting<T, R> = { item, resolve, reject };
      const deadline = this.o.deadline;
      if (deadline) w.timer = setTimeout(() => this.expire(w, deadline.expired()), deadline.ms);
      this.waiting.push(w);
      this.schedule();
    });
  }

  private expire(w: Waiting<T, R>, error: Error): void {
    w.done = true;
    w.reject(error);
    // Deadlines expire in arrival order: what is still waiting before it has expired too.
    while (this.waiting[0]?.done) this.waiting.shift();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= (this.o.maxInFlight ?? 1) || !this.waiting.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length && this.inFlight < (this.o.maxInFlight ?? 1)) {
        const part = this.take(this.o.quickFirst === true && this.inFlight === 0);
        if (!part.length) break;
        this.inFlight++;
        // run() settles every caller itself and never rejects.
        void this.run(part).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  /** The longest run of waiting items within maxWeight (at least one; only one when `one`). */
  private take(one = false): Waiting<T, R>[] {
    const weight = this.o.weight ?? (() => 1);
    // Expired items are always the front (same deadline, arrival order).
    while (this.waiting[0]?.done) this.waiting.shift();
    if (one) return this.waiting.splice(0, 1);
    let n = 0;
    for (let total = 0; n < this.waiting.length; n++) {
      total += weight(this.waiting[n]!.item);
      if (n > 0 && total > this.o.maxWeight) break;
    }
    return this.waiting.splice(0, n);
  }

  private async run(part: Waiting<T, R>[]): Promise<void> {
    const outcomes = await this.attempt(part.map((w) => w.item));
    const someOk = part.length > 1 && outcomes.some((o) => o.ok);
    part.forEach((w, i) => {
      const o = outcomes[i]!;
      clearTimeout(w.timer);
      if (o.ok) w.resolve(o.value);
      else w.reject(someOk && o.alone ? new IsolatedFailure(o.error) : o.error);
    });
  }

  /** One outcome per item, in order; never rejects. */
  private async attempt(items: T[]): Promise<Outcome<R>[]> {
    try {
      return (await this.write(items)).map((value) => ({ ok: true, value }));
    } catch (error) {
      const alone = items.length === 1;
      if (alone || !this.o.isolateFailures?.(error)) return items.map(() => ({ ok: false, error, alone }));
      // Halves in order, one after the other: items stay in arrival order.
      const half = Math.ceil(items.length / 2);
      return [...(await this.attempt(items.slice(0, half))), ...(await this.attempt(items.slice(half)))];
    }
  }
}
