/**
 * Slicing CPU work so no request holds the event loop (the loop also answers webhooks,
 * Feishu callbacks and health checks).
 */

/** Resolves on a later turn of the event loop, after the I/O callbacks waiting now. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs jobs one at a time, in the order they come. For CPU-heavy requests that arrive
 * together: their database answers land in the same turn of the loop, and each answer's
 * continuation computes at once, so twenty requests' slices add up to one long stall. One at
 * a time (each yielding with `nextTurn` between its slices), a turn holds one slice.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    // The next job waits for this one to settle, whichever way.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
