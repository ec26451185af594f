import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { FeishuServer } from '../../src/sandbox/feishu-server';
import type { AlertStream, StreamAlert } from './alert-stream';
import type { MariadbServer } from './mariadb-server';
import type { PromdutyProcess } from './promduty-process';
import type { RedisServer } from './redis-server';

/**
 * The fault scenarios of issue 13 ("no acknowledged alert is ever lost"): a steady stream of
 * new alerts (alert-stream.ts, retrying as Alertmanager does) goes to promduty while one part
 * fails, then the run drains and is counted (fault-figures.ts). Redis and MariaDB are the
 * test's own (redis-server.ts, mariadb-server.ts), so killing them never touches the shared
 * ones; Feishu is one local FeishuServer that every promduty process of a run sends to.
 * fault-world.ts runs them.
 */

/** How big a run is. */
export interface FaultSize {
  /** Notifications a second, each of 1..maxAlerts new alerts. */
  rate: number;
  maxAlerts: number;
  /** Stream before the fault starts, and after it ended. */
  leadMs: number;
  tailMs: number;
  /** How long MariaDB stays down. */
  outageMs: number;
  /** How long acknowledged notifications pile up in Redis before it is killed. */
  backlogMs: number;
  /** Longest wait for everything to drain after the stream stopped. */
  drainTimeoutMs: number;
  /** JOB_LOCK_MS of the promduty processes (unset: promduty's default). */
  jobLockMs?: number;
}

/** The private Redis (AOF on) and MariaDB every scenario of a run uses, each with a fresh database and prefix. */
export interface FaultServers {
  redis: RedisServer;
  mariadb: MariadbServer;
  close(): Promise<void>;
}

/** What a scenario's fault works on. */
export interface Run {
  servers: FaultServers;
  feishu: FeishuServer;
  stream: AlertStream;
  /** Where the stream posts (api or all processes). */
  apis: PromdutyProcess[];
  workers: PromdutyProcess[];
  size: FaultSize;
  /** The run's Redis key prefix. */
  prefix: string;
  /** Starts another promduty process of this run. */
  start(env?: Record<string, string>): Promise<PromdutyProcess>;
  /** Resolves once every one of these alerts is stored (polled every `everyMs`); false after `timeoutMs`. */
  stored(alerts: StreamAlert[], timeoutMs: number, everyMs?: number): Promise<boolean>;
  /** Resolves once every one of these alerts is acknowledged, stored and on its cards; false after `timeoutMs`. */
  settled(alerts: StreamAlert[], timeoutMs: number): Promise<boolean>;
  log(line: string): void;
}

/** Jobs in a BullMQ queue's wait list (acknowledged, not taken by a worker) or active list (taken). */
async function jobsIn(url: string, prefix: string, queue: string, list: 'wait' | 'active' = 'wait'): Promise<number> {
  const redis = new Redis(url);
  try {
    return await redis.llen(`${prefix}:${queue}:${list}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * The jobs a worker holds (the queue's active list) when `take` is called, kept held after the
 * worker died by renewing their locks from here until `release`: another worker takes them
 * over only when the test says so. Knows BullMQ's keys (`<prefix>:<queue>:active`, `…:<id>:lock`,
 * the job hash's stalled counter `stc`).
 */
async function heldJobs(url: string, prefix: string, queue: string) {
  const redis = new Redis(url);
  const key = (k: string) => `${prefix}:${queue}:${k}`;
  const ids: string[] = [];
  const renew = setInterval(() => void Promise.all(ids.map((id) => redis.pexpire(key(`${id}:lock`), 5000))).catch(() => {}), 1000);
  return {
    ids,
    take: async () => {
      ids.push(...(await redis.lrange(key('active'), 0, -1)));
      if (!ids.length) throw new Error(`no ${queue} job was running`);
    },
    /** True once nothing but the held jobs is waiting or running (and `idle()`). */
    aloneLeft: async (idle: () => boolean, timeoutMs: number): Promise<boolean> => {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
        const [waiting, active] = await Promise.all([redis.llen(key('wait')), redis.lrange(key('active'), 0, -1)]);
        if (idle() && waiting === 0 && active.every((id) => ids.includes(id))) return true;
      }
      return false;
    },
    release: async () => {
      clearInterval(renew);
      await Promise.all(ids.map((id) => redis.del(key(`${id}:lock`))));
    },
    /** True once a worker runs one of them again after it was found stalled. */
    takenAgain: async (timeoutMs: number): Promise<boolean> => {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
        const active = new Set(await redis.lrange(key('active'), 0, -1));
        for (const id of ids) if (active.has(id) && Number(await redis.hget(key(id), 'stc')) >= 1) return true;
      }
      return false;
    },
    close: async () => {
      clearInterval(renew);
      redis.disconnect();
    },
  };
}

/**
 * SIGKILLs the processes the moment Feishu stores the next message sent to it: inside the
 * sandbox's request, before its answer is written, so the sender never learns that its card
 * went out. Resolves once they exited.
 */
async function killAtNextSend(feishu: FeishuServer, processes: PromdutyProcess[], timeoutMs = 60_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const seen = feishu.calls.length;
    const timer = setTimeout(() => (off(), reject(new Error(`no card sent to Feishu within ${timeoutMs} ms`))), timeoutMs);
    const off = feishu.onChange(() => {
      const call = feishu.calls.at(-1);
      if (feishu.calls.length === seen || call?.method !== 'POST' || call.path !== '/open-apis/im/v1/messages') return;
      for (const p of processes) p.child.kill('SIGKILL');
      off();
      clearTimeout(timer);
      resolve();
    });
  });
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
}

/** Runs `fn` with MariaDB frozen (SIGSTOP: connections hang), thawed however `fn` ends. */
async function whileFrozen<T>(r: Run, fn: () => Promise<T>): Promise<T> {
  r.servers.mariadb.freeze();
  try {
    return await fn();
  } finally {
    r.servers.mariadb.thaw();
  }
}

/** MariaDB shut down (SIGTERM) and started again `ms` after the shutdown began. */
async function mariadbDown(r: Run, ms: number): Promise<void> {
  const down = Date.now();
  await r.servers.mariadb.stop();
  await sleep(Math.max(0, ms - (Date.now() - down)));
  await r.servers.mariadb.start();
}

/** How much longer each fsync of Redis takes in the last seconds before it is killed. */
const SLOW_FSYNC_MS = 1000;

/** A fault: where promduty runs (one ROLE=all process, or 2 api + 2 worker), what breaks; resolves when it is over. */
export interface Fault {
  layout: 'all' | 'split';
  fault: (r: Run) => Promise<void>;
}

export const FAULTS = {
  // (a) the one promduty process dies mid-stream, the moment Feishu took a card from it (the
  // worst moment for a double post), and is started again on its port.
  'promduty SIGKILL': {
    layout: 'all',
    fault: async (r) => {
      const p = r.apis[0]!;
      await killAtNextSend(r.feishu, [p]);
      r.apis[0] = await r.start({ PORT: new URL(p.url).port });
    },
  },
  // (a') a crash loop (an orchestrator killing a process whose /readyz fails while MariaDB
  // hangs): promduty dies with alert jobs in hand, is restarted, takes those jobs back once
  // their locks lapsed, and dies again before it could finish them.
  'promduty SIGKILL twice': {
    layout: 'all',
    fault: async (r) => {
      const port = new URL(r.apis[0]!.url).port;
      const held = await heldJobs(r.servers.redis.url, r.prefix, 'alerts');
      try {
        await whileFrozen(r, async () => {
          await sleep(1000);
          await held.take();
          await r.apis[0]!.stop('SIGKILL');
        });
        r.log(`killed holding ${held.ids.length} alert jobs`);
        // New alerts pause and the new process finishes everything else first, so that the jobs
        // it takes back are the dead process's; only then their locks may lapse.
        r.stream.stop();
        r.apis[0] = await r.start({ PORT: port });
        if (!(await held.aloneLeft(() => r.stream.counts.inFlight === 0, 60_000))) throw new Error('the queue did not empty');
        await whileFrozen(r, async () => {
          await held.release();
          if (!(await held.takenAgain(4 * (r.size.jobLockMs ?? 30_000)))) throw new Error('no job of the first crash was taken again');
          r.log('a job of the first crash is taken again: killed again');
          await r.apis[0]!.stop('SIGKILL');
        });
      } finally {
        await held.close();
      }
      r.apis[0] = await r.start({ PORT: port });
      r.stream.start();
    },
  },
  // (b) Redis dies without a shutdown (no final fsync) and comes back from its AOF. What is at
  // stake is what Redis acknowledged and nobody processed yet, so there has to be some: MariaDB
  // is frozen first, the worker stops taking jobs and acknowledged notifications pile up. Its
  // disk is slow when it dies (each fsync takes a second more, as on a busy machine): with
  // `appendfsync everysec` Redis then holds its AOF writes back for up to 2 s while still
  // answering, and the kill lost what it had acknowledged meanwhile (2 of 120 once in a full
  // run; every time with the slow disk). README: Production: Redis.
  'Redis SIGKILL': {
    layout: 'all',
    fault: (r) =>
      whileFrozen(r, async () => {
        await sleep(r.size.backlogMs);
        const fast = await r.servers.redis.slowFsync(SLOW_FSYNC_MS);
        await sleep(2.5 * SLOW_FSYNC_MS);
        r.log(`Redis killed with ${await jobsIn(r.servers.redis.url, r.prefix, 'alerts')} alert jobs waiting, its fsyncs ${SLOW_FSYNC_MS} ms slow`);
        await r.servers.redis.kill();
        fast();
        await sleep(1000);
        await r.servers.redis.start();
      }),
  },
  // (c) MariaDB shuts down for outageMs: connections refused, then it is back.
  'MariaDB down': {
    layout: 'all',
    fault: (r) => mariadbDown(r, r.size.outageMs),
  },
  // (c') MariaDB freezes for outageMs (SIGSTOP): open connections hang instead of failing.
  'MariaDB frozen': {
    layout: 'all',
    fault: (r) => whileFrozen(r, () => sleep(r.size.outageMs)),
  },
  // (c'') a quiet moment: everything sent, then one more alert, and MariaDB goes down (for twice
  // outageMs) right after storing it, with its cards still to plan. Nothing else arrives that
  // would ask for its send group's delivery again: the work in flight must finish by itself.
  'MariaDB down after the last alert': {
    layout: 'all',
    fault: async (r) => {
      r.stream.stop();
      if (!(await r.settled(r.stream.alerts, r.size.drainTimeoutMs))) throw new Error('the stream did not drain before the fault');
      const last = r.stream.postNow();
      if (!(await r.stored(last, 10_000, 5))) throw new Error('the last alert was not stored');
      await mariadbDown(r, 2 * r.size.outageMs);
    },
  },
  // (d) 2 api + 2 worker processes; one of each dies for good while the workers hold alert
  // jobs (MariaDB frozen for a second so that they do): the other worker takes them over.
  'api+worker SIGKILL': {
    layout: 'split',
    fault: async (r) => {
      await whileFrozen(r, async () => {
        await sleep(1000);
        r.log(`killed with ${await jobsIn(r.servers.redis.url, r.prefix, 'alerts', 'active')} alert jobs running`);
        await Promise.all([r.apis[0]!.stop('SIGKILL'), r.workers[0]!.stop('SIGKILL')]);
      });
      r.apis.shift();
      r.workers.shift();
    },
  },
} satisfies Record<string, Fault>;

export type ScenarioName = keyof typeof FAULTS;
export const SCENARIOS = Object.keys(FAULTS) as ScenarioName[];
