import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './processes';
import { ServerProcess, track, trackDir, untrackDir } from './reaper';

/**
 * A private redis-server on a free loopback port, for tests that stop, kill or reconfigure
 * Redis: never the machine's shared one on 6379. Its files live in a temp directory that a
 * kill and start keep (so an AOF survives a crash) and `stop` removes; the process and the
 * directory are reaped even if the test process dies (reaper.ts).
 */
export interface RedisServer {
  port: number;
  url: string;
  /** Its data directory (AOF, RDB). */
  dir: string;
  /** SIGKILL: gone at once, like a crash (no final fsync); the port refuses connections. */
  kill(): Promise<void>;
  /** SIGSTOP: the process freezes with its sockets open, so connections hang (half-open). */
  pause(): void;
  /** SIGCONT after pause. */
  resume(): void;
  /**
   * A busy disk: from now on every fsync/fdatasync of the running server takes `delayMs` longer
   * (strace fault injection), until the returned function is called or the server dies.
   */
  slowFsync(delayMs: number): Promise<() => void>;
  /** Starts it again on the same port and directory with the same arguments (after kill); resolves once it answers PING. */
  start(): Promise<void>;
  /** kill + start. */
  restart(): Promise<void>;
  /** A fresh client (caller disconnects it). */
  client(): Redis;
  /** Kills it for good and removes its directory. */
  stop(): Promise<void>;
  log(): string;
}

/** Resolves true once Redis answers PING with PONG (not LOADING while it replays the AOF). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      got += String(d);
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

/**
 * `args`: extra redis-server arguments, later ones winning, e.g. `['--appendonly', 'yes']`.
 * Persistence is off unless asked for.
 */
export async function startRedisServer(args: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = trackDir(await mkdtemp(join(tmpdir(), 'pd-redis-')));
  const server = new ServerProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning', ...args],
    { ready: () => pong(port), install: 'install it with: apt-get install -y redis-server', timeoutMs: 30_000 },
  );
  await server.start();
  const kill = () => server.stop('SIGKILL');
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    kill,
    pause: () => server.signal('SIGSTOP'),
    resume: () => server.signal('SIGCONT'),
    slowFsync: async (delayMs) => {
      const pid = server.pid();
      if (!pid) throw new Error('slowFsync: Redis is not running');
      const us = String(delayMs * 1000);
      const tracer = track(
        spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=fsync,fdatasync', '-e', `inject=fsync:delay_enter=${us}`, '-e', `inject=fdatasync:delay_enter=${us}`, '-p', String(pid)], { stdio: 'ignore' }),
      );
      const failed = new Promise<never>((_, reject) => tracer.once('error', (e) => reject(new Error(`strace could not start (${e.message}): install it with: apt-get install -y strace`))));
      const traced = async () => /TracerPid:\s*[1-9]/.test(await readFile(`/proc/${pid}/status`, 'utf8'));
      await Promise.race([failed, waitFor('strace attached to Redis', traced, 10_000, 20)]);
      return () => void tracer.kill('SIGTERM');
    },
    start: () => server.start(),
    restart: async () => {
      await kill();
      await server.start();
    },
    client: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
    },
    log: () => server.log(),
  };
}
