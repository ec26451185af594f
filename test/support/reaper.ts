import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './processes';

/**
 * Child processes a test started and must not outlive it (private Redis and MariaDB servers,
 * promduty processes), and the data directories they leave. Three nets, from the tidy to the brutal:
 *   - `killTracked()` in the test's `after` (also on failure), and each server's `close`;
 *   - a process 'exit' handler, for a test process that ends without running its hooks;
 *   - a watchdog shell that SIGKILLs every pid still listed and removes every directory still
 *     listed once the test process is gone, even after a SIGKILL of the test process itself
 *     (no exit handler runs then).
 * A pid leaves the list when its process exits, so a recycled pid is never shot.
 */
const tracked = new Map<number, ChildProcess>();
const dirs = new Set<string>();
let lists: { pids: string; dirs: string } | null = null;

function writeLists(): void {
  if (!lists) return;
  writeFileSync(lists.pids, [...tracked.keys()].join('\n') + '\n');
  writeFileSync(lists.dirs, [...dirs].join('\n') + '\n');
}

function startWatchdog(): void {
  const dir = mkdtempSync(join(tmpdir(), 'pd-reaper-'));
  lists = { pids: join(dir, 'pids'), dirs: join(dir, 'dirs') };
  writeLists();
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `for p in $(cat "${lists.pids}"); do kill -9 "$p" 2>/dev/null; done`,
    'sleep 1',
    `while read -r d; do [ -n "$d" ] && rm -rf "$d"; done < "${lists.dirs}"`,
    `rm -rf "${dir}"`,
  ].join('; ');
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  process.once('exit', () => {
    for (const pid of tracked.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    tracked.clear();
    dirs.clear();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Removes `dir` when the test process ends, however it ends, unless `untrackDir` came first. */
export function trackDir(dir: string): string {
  if (!lists) startWatchdog();
  dirs.add(dir);
  writeLists();
  return dir;
}

export function untrackDir(dir: string): void {
  dirs.delete(dir);
  writeLists();
}

/** Kills `child` when the test process ends, however it ends, unless it exited before. */
export function track(child: ChildProcess): ChildProcess {
  if (child.pid === undefined) return child;
  if (!lists) startWatchdog();
  const pid = child.pid;
  tracked.set(pid, child);
  writeLists();
  child.once('exit', () => {
    tracked.delete(pid);
    writeLists();
  });
  return child;
}

export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it is still there. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  // A stopped process only acts on a signal once it runs again.
  child.kill('SIGCONT');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every tracked process that is still running and waits for them. */
export async function killTracked(): Promise<void> {
  await Promise.all([...tracked.values()].map((c) => terminate(c, 'SIGKILL')));
}

/**
 * A server the test starts, stops and starts again with the same arguments (its port and data
 * stay): tracked as above, its output kept for failure reports; `start` resolves once `ready`.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private out = '';

  constructor(
    private readonly bin: string,
    private readonly args: string[],
    private readonly o: { ready: () => Promise<boolean>; install: string; timeoutMs: number },
  ) {}

  async start(): Promise<void> {
    const c = track(spawn(this.bin, this.args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = c;
    c.stdout!.on('data', (d) => (this.out += String(d)));
    c.stderr!.on('data', (d) => (this.out += String(d)));
    const failed = new Promise<never>((_, reject) => c.once('error', (e) => reject(new Error(`${this.bin} could not start (${e.message}): ${this.o.install}`))));
    await Promise.race([
      failed,
      waitFor(`${this.bin} ${this.args.join(' ')}`, async () => {
        if (hasExited(c)) throw new Error(`${this.bin} exited: ${this.out.slice(-2000)}`);
        return this.o.ready();
      }, this.o.timeoutMs, 50),
    ]);
  }

  /** The running server's pid (null when it is not running). */
  pid(): number | null {
    return this.child && !hasExited(this.child) ? (this.child.pid ?? null) : null;
  }

  /** A signal to the running server (SIGSTOP, SIGCONT); nothing when it is not running. */
  signal(s: NodeJS.Signals): void {
    if (this.child && !hasExited(this.child)) this.child.kill(s);
  }

  stop(signal: NodeJS.Signals, graceMs?: number): Promise<void> {
    return this.child ? terminate(this.child, signal, graceMs) : Promise.resolve();
  }

  log(): string {
    return this.out;
  }
}
