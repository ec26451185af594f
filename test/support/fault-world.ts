import { Redis } from 'ioredis';
import { createKnex, type Knex } from '../../src/db/knex';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { APP } from './alerts';
import { AlertStream } from './alert-stream';
import { cardsPerEvent, countFigures, settledAlert, StoredAlerts, type FaultFigures, type Recipients } from './fault-figures';
import { startMariadbServer, type MariadbServer } from './mariadb-server';
import { postJson, promdutyWorld, type PromdutyProcess } from './promduty-process';
import { startRedisServer, type RedisServer } from './redis-server';
import { killTracked, track } from './reaper';

/**
 * The fault scenarios of issue 13 ("no acknowledged alert is ever lost"): a steady stream of
 * new alerts (alert-stream.ts, retrying as Alertmanager does) goes to promduty while one part
 * fails, then the run drains and is counted (fault-figures.ts). Redis and MariaDB are the
 * test's own (redis-server.ts, mariadb-server.ts), so killing them never touches the shared
 * ones; Feishu is one local FeishuServer that every promduty process of a run sends to.
 */
export type ScenarioName = 'promduty SIGKILL' | 'Redis SIGKILL' | 'MariaDB down' | 'MariaDB frozen' | 'api+worker SIGKILL';

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
}

/** `npm test`: a few hundred alerts per scenario. */
export const TEST_SIZE: FaultSize = { rate: 20, maxAlerts: 3, leadMs: 2000, tailMs: 2000, outageMs: 10_000, backlogMs: 3000, drainTimeoutMs: 100_000 };
/** `npm run faults`: thousands. */
export const FAULTS_SIZE: FaultSize = { rate: 80, maxAlerts: 5, leadMs: 5000, tailMs: 5000, outageMs: 10_000, backlogMs: 5000, drainTimeoutMs: 180_000 };

const SEND_GROUPS = 4;
const POLL_MS = 500;

/** The private Redis (AOF on) and MariaDB every scenario of a run uses, each with a fresh database and prefix. */
export interface FaultServers {
  redis: RedisServer;
  mariadb: MariadbServer;
  close(): Promise<void>;
}

export async function startFaultServers(): Promise<FaultServers> {
  const [redis, mariadb] = await Promise.all([startRedisServer({ appendfsync: 'everysec' }), startMariadbServer()]);
  return {
    redis,
    mariadb,
    close: async () => {
      await killTracked();
      await Promise.all([redis.close(), mariadb.close()]);
    },
  };
}

/** What a scenario's fault works on. */
interface Run {
  servers: FaultServers;
  /** Where the stream posts (api or all processes). */
  apis: PromdutyProcess[];
  workers: PromdutyProcess[];
  size: FaultSize;
  /** Starts another promduty process of this run. */
  start(env?: Record<string, string>): Promise<PromdutyProcess>;
  /** The run's Redis key prefix. */
  prefix: string;
  log(line: string): void;
}

/** Jobs waiting in a BullMQ queue (in the wait list: acknowledged, not taken by a worker). */
async function waitingJobs(url: string, prefix: string, queue: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return await redis.llen(`${prefix}:${queue}:wait`);
  } finally {
    redis.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each fault: what it does; resolves at the fault's end (everything that will come back is back). */
const FAULTS: Record<ScenarioName, { layout: 'all' | 'split'; fault: (r: Run) => Promise<void> }> = {
  // (a) the one promduty process dies mid-stream and is started again on its port.
  'promduty SIGKILL': {
    layout: 'all',
    fault: async (r) => {
      const p = r.apis[0]!;
      await p.stop('SIGKILL');
      r.apis[0] = await r.start({ PORT: new URL(p.url).port });
    },
  },
  // (b) Redis dies without a shutdown (no final fsync) and comes back from its AOF. What is at
  // stake is what Redis acknowledged and nobody processed yet, so there has to be some: MariaDB
  // is frozen first, the worker stops taking jobs and acknowledged notifications pile up.
  'Redis SIGKILL': {
    layout: 'all',
    fault: async (r) => {
      r.servers.mariadb.freeze();
      try {
        await sleep(r.size.backlogMs);
        r.log(`Redis killed with ${await waitingJobs(r.servers.redis.url, r.prefix, 'alerts')} alert jobs waiting`);
        await r.servers.redis.kill();
        await sleep(1000);
        await r.servers.redis.start();
      } finally {
        r.servers.mariadb.thaw();
      }
    },
  },
  // (c) MariaDB shuts down for outageMs: connections refused, then it is back.
  'MariaDB down': {
    layout: 'all',
    fault: async (r) => {
      const down = Date.now();
      await r.servers.mariadb.stop();
      await sleep(Math.max(0, r.size.outageMs - (Date.now() - down)));
      await r.servers.mariadb.start();
    },
  },
  // (c') MariaDB freezes for outageMs (SIGSTOP): open connections hang instead of failing.
  'MariaDB frozen': {
    layout: 'all',
    fault: async (r) => {
      r.servers.mariadb.freeze();
      try {
        await sleep(r.size.outageMs);
      } finally {
        r.servers.mariadb.thaw();
      }
    },
  },
  // (d) 2 api + 2 worker processes; one of each dies for good.
  'api+worker SIGKILL': {
    layout: 'split',
    fault: async (r) => {
      await Promise.all([r.apis[0]!.stop('SIGKILL'), r.workers[0]!.stop('SIGKILL')]);
      r.apis.shift();
      r.workers.shift();
    },
  },
};

export const SCENARIOS = Object.keys(FAULTS) as ScenarioName[];

async function seed(url: string): Promise<{ groups: number[]; recipients: Map<number, Recipients> }> {
  const api = (path: string, body: unknown) => postJson(`${url}${path}`, body);
  const clusterId = (await api('/api/v1/alertmanager-clusters', { name: 'faults' })).id;
  const groups: number[] = [];
  const recipients = new Map<number, Recipients>();
  for (let i = 0; i < SEND_GROUPS; i++) {
    const openId = `ou_fault${i}`;
    const user = (await api('/api/v1/users', { name: `fault${i}`, feishuOpenId: openId })).id;
    const oncallGroupId = (await api('/api/v1/oncall-groups', { name: `fault${i}`, members: [user], startDate: '2025-01-01' })).id;
    const chat = `oc_fault${i}`;
    const id = (await api('/api/v1/send-groups', { name: `fault${i}`, alertmanagerClusterId: clusterId, oncallGroupId, feishuChatId: chat, notifyOncallPrivate: true })).id;
    groups.push(id);
    recipients.set(id, { chat, person: openId });
  }
  return { groups, recipients };
}

export interface ScenarioResult {
  figures: FaultFigures;
  /** Logs of the processes, for a failure report. */
  logs: string;
}

/**
 * One scenario from start to figures: fresh database and Redis prefix, promduty processes,
 * the stream, the fault, the drain, the count. Everything it started is stopped at the end,
 * also when it fails.
 */
export async function runScenario(name: ScenarioName, servers: FaultServers, size: FaultSize, log: (line: string) => void = () => {}): Promise<ScenarioResult> {
  const { layout, fault } = FAULTS[name];
  const feishu = await FeishuServer.start(APP);
  const world = promdutyWorld(feishu.url, undefined, { mysqlBase: servers.mariadb.url, redisUrl: servers.redis.url });
  const all: PromdutyProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const p = await world.start(env);
    track(p.child);
    all.push(p);
    return p;
  };
  let db: Knex | null = null;
  let stream: AlertStream | null = null;
  try {
    const run: Run = { servers, apis: [], workers: [], size, start, prefix: world.prefix, log: (line) => log(`${name}: ${line}`) };
    // The first process migrates the new database; the others find it done.
    if (layout === 'all') run.apis.push(await start());
    else {
      run.apis.push(await start({ ROLE: 'api' }));
      const [api2, w1, w2] = await Promise.all([start({ ROLE: 'api' }), start({ ROLE: 'worker' }), start({ ROLE: 'worker' })]);
      run.apis.push(api2);
      run.workers.push(w1, w2);
    }
    const { groups, recipients } = await seed(run.apis[0]!.url);
    db = createKnex(world.databaseUrl, { min: 0, max: 2 });
    const stored = new StoredAlerts(db);
    stream = new AlertStream({ targets: () => run.apis.map((p) => p.url), rate: size.rate, maxAlerts: size.maxAlerts, sendGroups: groups });
    stream.start();
    await sleep(size.leadMs);
    log(`${name}: fault after ${stream.alerts.length} alerts`);
    await fault(run);
    const faultEnd = performance.now();
    const before = stream.alerts.filter((a) => a.firstTry <= faultEnd);
    log(`${name}: fault over; ${before.length} alerts sent before its end`);
    const tail = sleep(size.tailMs).then(() => stream!.settle(size.drainTimeoutMs));

    // Drained: every alert first sent before the fault's end is acknowledged, stored and on its cards.
    let drainMs: number | null = null;
    const deadline = faultEnd + size.tailMs + size.drainTimeoutMs;
    for (let pending = before; performance.now() < deadline; await sleep(POLL_MS)) {
      await stored.refresh(pending.filter((a) => a.acknowledgedAt !== undefined));
      const cards = cardsPerEvent(feishu.messages());
      pending = pending.filter((a) => !settledAlert(a, stored, cards, recipients.get(a.sendGroup)!));
      if (!pending.length) {
        drainMs = performance.now() - faultEnd;
        break;
      }
    }
    await tail;
    // The rest of the stream (sent after the fault) drains too before anything is counted.
    for (let pending = stream.acknowledged(); pending.length && performance.now() < deadline; await sleep(POLL_MS)) {
      await stored.refresh(pending);
      const cards = cardsPerEvent(feishu.messages());
      pending = pending.filter((a) => !settledAlert(a, stored, cards, recipients.get(a.sendGroup)!));
    }
    const figures = await countFigures({
      scenario: name,
      db,
      feishu,
      alerts: stream.alerts,
      refused: stream.counts.refused,
      stored,
      recipientsOf: (g) => recipients.get(g)!,
      drainMs,
    });
    if (process.env.FAULTS_DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.FAULTS_DUMP}/messages.json`, JSON.stringify(feishu.messages(), null, 1));
      writeFileSync(`${process.env.FAULTS_DUMP}/outbox.json`, JSON.stringify(await db('alert_event_messages').select(), null, 1));
      writeFileSync(`${process.env.FAULTS_DUMP}/events.json`, JSON.stringify(await db('alert_events').select('id', 'fingerprint', 'send_group_id', 'created_at', 'last_notified_at', 'updated_at'), null, 1));
      writeFileSync(`${process.env.FAULTS_DUMP}/calls.json`, JSON.stringify(feishu.calls.map((c) => ({ ...c, headers: undefined })), null, 1));
    }
    if (stream.refusals.length) log(`${name}: refusals: ${stream.refusals.join('; ')}`);
    return { figures, logs: all.map((p, i) => `--- process ${i}\n${p.log().slice(-4000)}`).join('\n') };
  } finally {
    stream?.close();
    await Promise.all(all.map((p) => p.stop('SIGKILL')));
    await db?.destroy();
    await feishu.close();
    await world.drop().catch(() => {});
  }
}
