import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './processes';

/**
 * A private redis-server on a free loopback port, for tests that stop, kill or reconfigure
 * Redis: never the machine's shared one on 6379. Its files live in a temp directory that
 * `restart` keeps (so an AOF survives a kill) and `stop` removes.
 */
export interface RedisServer {
  port: number;
  url: string;
  /** Its data directory (AOF, RDB). */
  dir: string;
  /** SIGKILL: gone at once, like a crash; the port refuses connections. */
  kill(): Promise<void>;
  /** SIGSTOP: the process freezes with its sockets open, so connections hang (half-open). */
  pause(): void;
  /** SIGCONT after pause. */
  resume(): void;
  /** Starts it again on the same port and directory, with the same arguments (after kill). */
  restart(): Promise<void>;
  /** A fresh client (caller disconnects it). */
  client(): Redis;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
  log(): string;
}

/** `args`: extra redis-server arguments, e.g. `['--appendonly', 'yes']`. Persistence is off unless asked for. */
export async function startRedisServer(args: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pd-redis-'));
  let child: ChildProcess;
  let log = '';
  const alive = () => child.exitCode === null && child.signalCode === null;

  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (log += String(c)));
    child.stderr!.on('data', (c) => (log += String(c)));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new Error('redis-server is not installed: sudo apt-get install redis-server') : e),
      );
    });
    await spawned;
    await waitFor(`redis-server on port ${port}`, async () => {
      if (!alive()) throw new Error(`redis-server exited: ${log.slice(-2000)}`);
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined); // refused until it listens: connect() rejects, waitFor retries
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, 15_000, 50);
  };

  const kill = async () => {
    if (!alive()) return;
    const exited = once(child, 'exit');
    child.kill('SIGCONT'); // a paused process must run to die of anything but SIGKILL; harmless otherwise
    child.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    kill,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    restart: async () => {
      await kill();
      await launch();
    },
    client: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}
