import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from '../../scripts/prepare/machine.mjs';
import { installHint } from '../../scripts/prepare/plan.mjs';

const handedOut = new Set<number>();

/**
 * A free loopback port (bound and released). Never the same one twice in a process: the
 * kernel may offer a just-released port again, and callers often take several before
 * starting anything (the demo's Prometheus, Alertmanager and node-exporter).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const s = createServer().listen(0, '127.0.0.1');
    await once(s, 'listening');
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Thrown by a waitFor predicate: stop waiting now (the thing waited for cannot happen any more). */
export class GiveUp extends Error {}

/**
 * Polls `fn` until it returns a value (not undefined/false). Errors it throws count as "not yet"
 * (a port not open yet), except GiveUp, which ends the wait at once.
 */
/**
 * How long tests wait for something that is going to happen. Generous, because a wait ends as
 * soon as the thing happens and a loaded 2-core machine can be slow; shorter than a test's own
 * timeout (120 s), so a test that waits in vain fails with a message and still cleans up.
 */
export const PATIENCE_MS = 60_000;

/**
 * How long a promduty process may take to start (tsx loading ~280 source files, then the
 * migrations of a fresh database): about 5 s on a quiet box, past 60 s measured under load
 * average ~18 (two tests failed there waiting for /readyz). A test that waits this long has
 * a timeout of its own above it.
 */
export const START_PATIENCE_MS = 120_000;

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = PATIENCE_MS, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? JSON.stringify(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface RunningProcess {
  address: string;
  port: number;
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Fails at once when `bin` (a program the tests run) is not installed, naming the command that
 * installs it, instead of a spawn that fails with ENOENT and a wait that runs out 30 s later.
 */
export function requireBinary(bin: string): string {
  const path = findExecutable(bin, ['/usr/sbin', '/usr/local/sbin']);
  if (!path) throw new Error(`${bin} is not installed: install with: ${installHint(bin)} (npm test installs it unless PROMDUTY_TEST_PREPARE=0)`);
  return path;
}

async function run(bin: string, args: string[], port: number, dataDir: string): Promise<RunningProcess> {
  requireBinary(bin);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  let log = '';
  child.stdout.on('data', (c) => (log += String(c)));
  child.stderr.on('data', (c) => (log += String(c)));
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${bin} on ${address}`, async () => {
      if (spawnError) throw new GiveUp(`${bin} could not start (${spawnError.message}): install with: ${installHint(bin)}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new GiveUp(`${bin} exited (${child.exitCode ?? child.signalCode}): ${log.slice(-2000)}`);
      return (await fetch(`http://${address}/-/ready`)).ok;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, port, child, log: () => log, stop };
}

/**
 * A real Prometheus (Debian package) on a loopback port, reading `configFile`. `extraArgs`:
 * e.g. `--web.enable-remote-write-receiver` for a central store that serves remote_read.
 */
export async function startPrometheus(configFile: string, port?: number, extraArgs: string[] = []): Promise<RunningProcess> {
  const p = port ?? (await freePort());
  const data = await mkdtemp(join(tmpdir(), 'pd-prom-'));
  return run(
    'prometheus',
    [
      ...extraArgs,
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${p}`,
      '--web.enable-lifecycle',
      `--storage.tsdb.path=${data}`,
      // As README asks ("Prometheus flags promduty expects"): below the evaluation interval, so
      // an alert whose first send fell in a reload's no-Alertmanager gap is re-sent at the next
      // evaluation, not a minute later (first-card-world.ts times it with 5 s intervals).
      '--rules.alert.resend-delay=2s',
      '--log.level=warn',
    ],
    p,
    data,
  );
}

/** A real Alertmanager (Debian `prometheus-alertmanager`), clustering off. */
export async function startAlertmanager(configFile: string, port?: number): Promise<RunningProcess> {
  const p = port ?? (await freePort());
  const data = await mkdtemp(join(tmpdir(), 'pd-am-'));
  return run(
    'prometheus-alertmanager',
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${p}`,
      `--storage.path=${data}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    p,
    data,
  );
}

/**
 * A real single-node VictoriaMetrics (Debian `victoria-metrics`): the central store.
 * `-search.latencyOffset=1s`: the default 30 s hides the newest samples from queries, which
 * would delay every alert by half a minute. `-dedup.minScrapeInterval=1s`: two vmalert
 * replicas writing the same record series leave one sample per second.
 */
export async function startVictoriaMetrics(port?: number): Promise<RunningProcess> {
  const p = port ?? (await freePort());
  const data = await mkdtemp(join(tmpdir(), 'pd-vm-'));
  return run(
    'victoria-metrics',
    [`-httpListenAddr=127.0.0.1:${p}`, `-storageDataPath=${data}`, '-search.latencyOffset=1s', '-dedup.minScrapeInterval=1s', '-loggerLevel=ERROR'],
    p,
    data,
  );
}

/** A real vmalert (Debian `victoria-metrics`) with `flags` as promduty shows them (they name its address). */
export async function startVmalert(flags: string[]): Promise<RunningProcess> {
  const listen = flags.find((f) => f.startsWith('-httpListenAddr='));
  if (!listen) throw new Error('vmalert flags must name -httpListenAddr');
  const port = Number(listen.split(':').pop());
  const data = await mkdtemp(join(tmpdir(), 'pd-vmalert-'));
  return run('vmalert', [...flags, '-loggerLevel=ERROR'], port, data);
}

/** One instant query against a Prometheus-compatible API (Prometheus, VictoriaMetrics). */
export async function instantQuery(address: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`http://${address}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${query} on ${address}: ${body.error}`);
  return body.data!.result;
}

/** Writes a file, creating its directory (bootstrap configs before promduty publishes). */
export async function writeFileDeep(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
