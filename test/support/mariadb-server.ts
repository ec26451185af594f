import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './processes';
import { ServerProcess, trackDir, untrackDir } from './reaper';

/**
 * A MariaDB of the test's own (never the shared one on 3306): a fresh data directory, a free
 * loopback port, root@localhost without a password as promduty's default expects, and small
 * buffers. Tests stop it (SIGTERM, or SIGSTOP to freeze it with connections open) and bring
 * it back on the same port and data.
 */
export interface MariadbServer {
  port: number;
  /** `mysql://root@127.0.0.1:<port>`: append `/<database>`. */
  url: string;
  /** SIGTERM (a clean shutdown, connections refused until `start`) and wait for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers a query. */
  start(): Promise<void>;
  /** SIGSTOP: open connections hang, new ones are accepted by the kernel and never answered. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  log(): string;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

const MISSING = 'install it with apt-get install mariadb-server';

async function run(bin: string, args: string[]): Promise<string> {
  const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout.on('data', (d) => (out += String(d)));
  c.stderr.on('data', (d) => (out += String(d)));
  const [code] = (await Promise.race([
    once(c, 'exit'),
    once(c, 'error').then(([e]) => {
      throw new Error(`${bin} could not start (${(e as Error).message}): ${MISSING}`);
    }),
  ])) as [number | null];
  if (code !== 0) throw new Error(`${bin} failed (${code}): ${out.slice(-2000)}`);
  return out;
}

async function answers(port: number): Promise<boolean> {
  const c = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
  try {
    await c.query('SELECT 1');
    return true;
  } finally {
    c.destroy();
  }
}

export async function startMariadbServer(): Promise<MariadbServer> {
  const port = await freePort();
  const dir = trackDir(await mkdtemp(join(tmpdir(), 'pd-mariadb-')));
  const datadir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  // Small: the test writes a few thousand rows; the shared server keeps its memory.
  const small = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--skip-name-resolve', '--skip-log-bin', '--max-connections=200'];
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot, ...small]);
  const server = new ServerProcess(
    'mariadbd',
    ['--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${join(dir, 'sock')}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'pid')}`, ...asRoot, ...small],
    { ready: () => answers(port), install: MISSING, timeoutMs: 60_000 },
  );
  await server.start();
  return {
    port,
    url: `mysql://root@127.0.0.1:${port}`,
    stop: () => server.stop('SIGTERM', 30_000),
    start: () => server.start(),
    freeze: () => server.signal('SIGSTOP'),
    thaw: () => server.signal('SIGCONT'),
    log: () => server.log(),
    close: async () => {
      await server.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
    },
  };
}
