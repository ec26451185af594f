import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dropDatabase } from '../../src/db/connect';
import { APP, WEBHOOK_TOKEN } from './alerts';
import { dropRedisPrefix, MYSQL_BASE, REDIS_URL, uniqueName } from './env';
import { freePort, START_PATIENCE_MS, waitFor } from './processes';

/**
 * promduty as a real child process (`node --import tsx src/main.ts`, or compiled), as it runs in
 * production: for crash tests (SIGKILL) and benchmarks (its own CPU, its own RSS). One
 * database and Redis prefix per `PromdutyWorld`, shared by every process started in it.
 */
export interface PromdutyProcess {
  child: ChildProcess;
  url: string;
  log(): string;
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMb(): number;
  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds(): number;
  /** SIGTERM (graceful) or SIGKILL; resolves when it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface PromdutyWorld {
  databaseUrl: string;
  prefix: string;
  /** `nodeArgs` go before the entry (`--cpu-prof` to profile one process). */
  start(env?: Record<string, string>, nodeArgs?: string[]): Promise<PromdutyProcess>;
  /** Drops the database and the Redis keys (stop the processes first). */
  drop(): Promise<void>;
}

/** Where a world's database and Redis live: the shared servers unless a test brings its own. */
export interface WorldServers {
  /** `mysql://user@host:port`, without a database. */
  mysqlBase?: string;
  redisUrl?: string;
}

/**
 * `entry`: how to run promduty; by default the sources through tsx (tests), or a compiled
 * build (`['dist/src/main.js']`, as `npm start` runs it: the benchmarks). An env `PORT` keeps
 * a process on a port (a restart where the last one listened, as Alertmanager expects).
 */
export function promdutyWorld(
  feishuUrl: string,
  entry: string[] = ['--import', 'tsx', 'src/main.ts'],
  { mysqlBase = MYSQL_BASE, redisUrl = REDIS_URL }: WorldServers = {},
): PromdutyWorld {
  const databaseUrl = `${mysqlBase}/${uniqueName('proc')}`;
  const prefix = uniqueName('proc');
  return {
    databaseUrl,
    prefix,
    start: async (env = {}, nodeArgs = []) => {
      const port = env.PORT ? Number(env.PORT) : await freePort();
      const worker = env.ROLE === 'worker';
      const child = spawn(process.execPath, [...nodeArgs, ...entry], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          REDIS_PREFIX: prefix,
          PORT: String(port),
          HOST: '127.0.0.1',
          // A worker serves no HTTP: its start is read from the log ('workers running', info).
          LOG_LEVEL: worker ? 'info' : 'warn',
          API_TOKEN: 'test-api-token',
          WEBHOOK_TOKEN,
          FEISHU_APP_ID: APP.appId,
          FEISHU_APP_SECRET: APP.appSecret,
          FEISHU_DOMAIN: feishuUrl,
          FEISHU_SANDBOX: 'off',
          // The shared test Redis runs without AOF (a Feishu app makes durability required).
          REDIS_REQUIRE_DURABLE: 'false',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (d) => (log += String(d)));
      child.stderr.on('data', (d) => (log += String(d)));
      const url = `http://127.0.0.1:${port}`;
      const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill(signal);
        await exited;
      };
      try {
        await waitFor('promduty ready', async () => {
          if (child.exitCode !== null) throw new Error(`promduty exited: ${log.slice(-2000)}`);
          if (worker) return log.includes('"msg":"workers running"');
          return (await fetch(`${url}/readyz`)).ok;
        }, START_PATIENCE_MS);
      } catch (e) {
        await stop('SIGKILL');
        throw e;
      }
      const peakRssMb = () => {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : NaN;
      };
      const cpuSeconds = () => {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name), in clock ticks.
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      };
      return { child, url, log: () => log, peakRssMb, cpuSeconds, stop };
    },
    drop: async () => {
      await dropDatabase(databaseUrl);
      await dropRedisPrefix(prefix, redisUrl);
    },
  };
}

/** POST JSON with a bearer token; throws unless 2xx. */
export async function postJson(url: string, body: unknown, token = 'test-api-token'): Promise<any> {
  const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: any = await r.json();
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}
