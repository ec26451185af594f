import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Small statistics over timing samples (milliseconds). */
export function quantile(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}
export const median = (s: number[]): number => quantile(s, 0.5);

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns the samples in ms. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** One line of BENCHMARKS.md. */
export interface Figure {
  issue: number;
  name: string;
  value: number;
  unit: string;
  /** e.g. `≤ 20` or `≥ 4000`; checked against value. */
  goal?: { op: '<=' | '>='; value: number };
  note?: string;
}

export const meets = (f: Figure): boolean | null =>
  f.goal ? (f.goal.op === '<=' ? f.value <= f.goal.value : f.value >= f.goal.value) : null;

/** Runs `fn` once: how long it took, and the longest the event loop waited meanwhile (ms). */
export async function timeWithStall<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; stallMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, stallMs: loop.max / 1e6 };
  } finally {
    loop.disable();
  }
}
