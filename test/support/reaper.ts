import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Child processes a test started and must not outlive it (private Redis and MariaDB servers,
 * promduty processes). Three nets, from the tidy to the brutal:
 *   - `killTracked()` in the test's `after` (also on failure);
 *   - a process 'exit' handler, for a test process that ends without running its hooks;
 *   - a watchdog shell that SIGKILLs every pid still listed once the test process is gone,
 *     even after a SIGKILL of the test process itself (no exit handler runs then).
 * A pid leaves the list when its process exits, so a recycled pid is never shot.
 */
const tracked = new Map<number, ChildProcess>();
let listFile: string | null = null;

function writeList(): void {
  if (listFile) writeFileSync(listFile, [...tracked.keys()].join('\n') + '\n');
}

function startWatchdog(): void {
  const dir = mkdtempSync(join(tmpdir(), 'pd-reaper-'));
  listFile = join(dir, 'pids');
  writeList();
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; for p in $(cat "${listFile}"); do kill -9 "$p" 2>/dev/null; done; rm -rf "${dir}"`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  process.once('exit', () => {
    for (const pid of tracked.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    tracked.clear();
    writeList();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Kills `child` when the test process ends, however it ends, unless it exited before. */
export function track(child: ChildProcess): ChildProcess {
  if (child.pid === undefined) return child;
  if (!listFile) startWatchdog();
  const pid = child.pid;
  tracked.set(pid, child);
  writeList();
  child.once('exit', () => {
    tracked.delete(pid);
    writeList();
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
