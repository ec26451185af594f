import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';
import { ServerProcess, trackDir, untrackDir } from './reaper';

/**
 * A Redis of the test's own (never the shared one on 6379) on a free loopback port, with
 * AOF on as promduty needs it in production: tests kill it and start it again on the same
 * port and directory, and what it acknowledged must still be there.
 */
export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL: no shutdown, no final fsync; only what the AOF holds survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it answers PING. */
  start(): Promise<void>;
  log(): string;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** `always` (fsync before every answer) or `everysec` (the usual production setting). */
  appendfsync?: 'always' | 'everysec';
}

/** Resolves once Redis answers PING with PONG (not LOADING while it replays the AOF). */
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

export async function startRedisServer(o: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = trackDir(await mkdtemp(join(tmpdir(), 'pd-redis-')));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--appendfsync', o.appendfsync ?? 'everysec', '--daemonize', 'no', '--loglevel', 'warning'];
  const server = new ServerProcess('redis-server', args, { ready: () => pong(port), install: 'install it with apt-get install redis-server', timeoutMs: 30_000 });
  await server.start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => server.stop('SIGKILL'),
    start: () => server.start(),
    log: () => server.log(),
    close: async () => {
      await server.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
    },
  };
}
