import { setTimeout as sleep } from 'node:timers/promises';
import { createKnex } from '../../src/db/connect';
import type { Knex } from '../../src/db/knex';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { APP } from './alerts';
import { AlertStream, type StreamAlert } from './alert-stream';
import { cardsPerGroup, countFigures, settledAlert, StoredAlerts, type FaultFigures, type Recipients } from './fault-figures';
import { FAULTS, type Fault, type FaultServers, type FaultSize, type Run, type ScenarioName } from './fault-scenarios';
import { startMariadbServer } from './mariadb-server';
import { postJson, promdutyWorld, type PromdutyProcess } from './promduty-process';
import { startRedisServer } from './redis-server';
import { killTracked, track } from './reaper';

export { SCENARIOS, type FaultServers, type FaultSize, type ScenarioName } from './fault-scenarios';

/*
 * Runs the fault scenarios (fault-scenarios.ts) against promduty: the test's own Redis and
 * MariaDB, a fresh database and Redis prefix and fresh processes per scenario, the stream, the
 * fault, the drain, the count (fault-figures.ts).
 */

/**
 * `npm test`: a hundred or two alerts per scenario, enough that every fault meets alerts in
 * each state (waiting, running, being sent); the count does not change what a scenario
 * proves, only how long a loaded machine takes to drain it (rate 20 × 3 posted ~950 alerts
 * in one scenario, which took 60 s to drain under load average ~18). The outages keep their
 * length: they are what is being survived.
 */
export const TEST_SIZE: FaultSize = {
  rate: 10, maxAlerts: 2, leadMs: 2000, tailMs: 2000, outageMs: 10_000, backlogMs: 3000, drainTimeoutMs: 100_000,
  // Jobs of a killed worker are taken over within 15 s instead of 45 s: the file runs in minutes.
  jobLockMs: 10_000,
};
/** `npm run faults`: thousands. */
export const FAULTS_SIZE: FaultSize = { rate: 80, maxAlerts: 5, leadMs: 5000, tailMs: 5000, outageMs: 10_000, backlogMs: 5000, drainTimeoutMs: 180_000 };

const SEND_GROUPS = 4;
const POLL_MS = 500;

export async function startFaultServers(): Promise<FaultServers> {
  const [redis, mariadb] = await Promise.all([startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']), startMariadbServer()]);
  return {
    redis,
    mariadb,
    close: async () => {
      await killTracked();
      await Promise.all([redis.stop(), mariadb.close()]);
    },
  };
}

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
  const { layout, fault }: Fault = FAULTS[name];
  const feishu = await FeishuServer.start(APP);
  const world = promdutyWorld(feishu.url, undefined, { mysqlBase: servers.mariadb.url, redisUrl: servers.redis.url });
  const all: PromdutyProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const p = await world.start({ ...(size.jobLockMs ? { JOB_LOCK_MS: String(size.jobLockMs) } : {}), ...env });
    track(p.child);
    all.push(p);
    return p;
  };
  const db: Knex = createKnex(world.databaseUrl, { min: 0, max: 2 });
  const stored = new StoredAlerts(db);
  let stream: AlertStream | null = null;
  try {
    // The first process creates and migrates the database; the others find it done.
    const apis = [await start(layout === 'split' ? { ROLE: 'api' } : {})];
    const workers: PromdutyProcess[] = [];
    if (layout === 'split') {
      const [api, ...w] = await Promise.all([start({ ROLE: 'api' }), start({ ROLE: 'worker' }), start({ ROLE: 'worker' })]);
      apis.push(api);
      workers.push(...w);
    }
    const { groups, recipients } = await seed(apis[0]!.url);
    stream = new AlertStream({ targets: () => apis.map((p) => p.url), rate: size.rate, maxAlerts: size.maxAlerts, sendGroups: groups });
    const until = async (alerts: StreamAlert[], timeoutMs: number, everyMs: number, done: (a: StreamAlert) => boolean): Promise<boolean> => {
      const deadline = performance.now() + timeoutMs;
      for (let pending = alerts; ; await sleep(everyMs)) {
        await stored.refresh(pending.filter((a) => a.acknowledgedAt !== undefined));
        pending = pending.filter((a) => !done(a));
        if (!pending.length) return true;
        if (performance.now() > deadline) return false;
      }
    };
    const settled = (alerts: StreamAlert[], timeoutMs: number) => {
      let cards = cardsPerGroup([]);
      let at = -Infinity;
      // One look at Feishu per round, not per alert.
      const fresh = () => {
        if (performance.now() - at > POLL_MS / 2) [cards, at] = [cardsPerGroup(feishu.messages()), performance.now()];
        return cards;
      };
      return until(alerts, timeoutMs, POLL_MS, (a) => settledAlert(a, stored, fresh(), recipients.get(a.sendGroup)!));
    };
    const run: Run = {
      servers, feishu, stream, apis, workers, size, start, settled,
      prefix: world.prefix,
      stored: (alerts, timeoutMs, everyMs = POLL_MS) => until(alerts, timeoutMs, everyMs, (a) => stored.groupOf.has(a.fingerprint)),
      log: (line) => log(`${name}: ${line}`),
    };

    stream.start();
    await sleep(size.leadMs);
    run.log(`fault after ${stream.alerts.length} alerts`);
    await fault(run);
    const faultEnd = performance.now();
    const before = stream.alerts.filter((a) => a.firstTry <= faultEnd);
    run.log(`fault over; ${before.length} alerts sent before its end`);
    const tail = sleep(stream.posting ? size.tailMs : 0).then(() => stream!.settle(size.drainTimeoutMs));
    // Drained: every alert first sent before the fault's end is acknowledged, stored and on its cards.
    const drainMs = (await settled(before, size.tailMs + size.drainTimeoutMs)) ? performance.now() - faultEnd : null;
    await tail;
    // The rest of the stream drains too before anything is counted.
    await settled(stream.acknowledged(), drainMs === null ? 0 : size.drainTimeoutMs);
    const figures = await countFigures({ scenario: name, db, feishu, alerts: stream.alerts, refused: stream.counts.refused, stored, recipientsOf: (g) => recipients.get(g)!, drainMs });
    if (stream.refusals.length) run.log(`refusals: ${stream.refusals.join('; ')}`);
    return { figures, logs: all.map((p, i) => `--- process ${i}\n${p.log().slice(-4000)}`).join('\n') };
  } finally {
    stream?.close();
    await Promise.all(all.map((p) => p.stop('SIGKILL')));
    await db.destroy();
    await feishu.close();
    await world.drop().catch(() => {});
  }
}
