import assert from 'node:assert/strict';
import { join } from 'node:path';
import { instanceDirName } from '../../src/publish/render-pool';
import type { ShardingMode } from '../../src/scrape/model';
import { consistentOwners, hashmodOwners, type Owners } from '../../src/scrape/sharding';
import { startTestApp, type TestApp } from './app';
import { freePort, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from './processes';

/**
 * Re-sharding timed against real Prometheus processes and the real promduty (probes, debounced
 * publish, promtool check, reload, http_sd): a pool of two instances with 12 http_sd targets
 * gets a third instance, loses its first (killed) and gets it back. Each step is timed from the
 * moment promduty notices (the API accepted the new instance; the probe flipped the instance's
 * health in the database) to the moment the live instances' active targets are settled: every
 * target active on exactly one instance, the one the sharding predicts for the new members.
 * Shared by test/e2e/reshard-timing.test.ts and the bench (bench/timing.ts).
 */

export const RESHARD_TARGETS = 12;
const BOOTSTRAP = 'global:\n  scrape_interval: 5s\nscrape_configs: []\n';
/** How often the world looks at the instances and the database while it waits. */
const POLL_MS = 200;

export type ReshardStep = 'add' | 'kill' | 'rejoin';

export interface ReshardFigure {
  mode: ShardingMode;
  step: ReshardStep;
  /** From promduty noticing to settled, in seconds. */
  settledS: number;
  /** From the event itself (API call, SIGTERM, restart) to settled, in seconds. */
  fromEventS: number;
  /** From promduty noticing to its last reload of the step (debounce, promtool check, write, reload): promduty's part of settledS. */
  publishedS: number;
  /** The most targets active on two instances at once meanwhile. */
  maxTwice: number;
  /** The most targets active on no live instance meanwhile. */
  maxUnscraped: number;
}

export interface ReshardWorld {
  t: TestApp;
  close(): Promise<void>;
}

/** One promduty with a 1 s probe (so a death is noticed in ~2 s; the figures start from noticing anyway). */
export async function startReshardWorld(): Promise<ReshardWorld> {
  const port = await freePort();
  const t = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PROBE_INTERVAL_MS: '1000' } });
  return { t, close: () => t.close() };
}

/** Targets of job `nodes` active on each live instance (address → target addresses). */
async function activeTargets(addresses: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const a of addresses) {
    const body = (await (await fetch(`http://${a}/api/v1/targets?state=active`)).json()) as any;
    out.set(a, body.data.activeTargets.filter((x: any) => x.labels.job === 'nodes').map((x: any) => x.discoveredLabels.__address__));
  }
  return out;
}

interface Placement {
  twice: number;
  unscraped: number;
  /** Every target on exactly its predicted owner. */
  settled: boolean;
}

function placement(seen: Map<string, string[]>, predicted: Owners): Placement {
  const on = new Map<string, string[]>();
  for (const [address, targets] of seen) for (const t of targets) on.set(t, [...(on.get(t) ?? []), address]);
  let twice = 0;
  let unscraped = 0;
  let settled = on.size === predicted.size;
  for (const [target, owner] of predicted) {
    const by = on.get(target) ?? [];
    if (by.length > 1) twice++;
    if (by.length === 0) unscraped++;
    if (by.length !== 1 || by[0] !== owner) settled = false;
  }
  return { twice, unscraped, settled };
}

/** Runs add / kill / rejoin on a fresh pool in `mode`; returns one figure per step. */
export async function runReshard(w: ReshardWorld, mode: ShardingMode, log: (line: string) => void = () => {}): Promise<ReshardFigure[]> {
  const { t } = w;
  const name = `reshard-${mode}`;
  const procs = new Map<string, RunningProcess>();
  const fileOf = (address: string) => join(t.app.settings.configDir, instanceDirName(name), instanceDirName(address), 'prometheus.yml');
  const start = async (address: string) => procs.set(address, await startPrometheus(fileOf(address), Number(address.split(':')[1])));
  const ok = async (method: string, path: string, body: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const [a, b, c] = await Promise.all([1, 2, 3].map(async () => `127.0.0.1:${await freePort()}`)) as [string, string, string];
  const figures: ReshardFigure[] = [];
  try {
    for (const address of [a, b, c]) {
      await writeFileDeep(fileOf(address), BOOTSTRAP);
      await start(address);
    }
    const node = await ok('POST', '/api/v1/tree/nodes', { name });
    const offset = mode === 'hashmod' ? 0 : 100;
    const targets = Array.from({ length: RESHARD_TARGETS }, (_, i) => `127.0.1.${offset + i + 1}:9100`);
    await ok('POST', '/api/v1/hosts/batch', { items: targets.map((x, i) => ({ hostname: `${name}-${i}`, ip: x.split(':')[0], nodeIds: [node.id] })) });
    const pool = await ok('POST', '/api/v1/pools', { name, instances: [a, b], sharding: mode, scrapeInterval: '5s', scrapeTimeout: '1s' });
    await ok('POST', '/api/v1/scrape-jobs', { poolId: pool.id, name: 'nodes', discovery: { kind: 'http_sd', nodeIds: [node.id] } });

    // Members in shard order (instance ids follow creation: a, b, then c).
    const predict = (members: string[]): Owners => (mode === 'hashmod' ? hashmodOwners(targets, members) : consistentOwners(targets, members));
    const settle = async (step: ReshardStep | null, live: string[], members: string[], eventAt: number, noticedAt: () => Promise<number>) => {
      const predicted = predict(members);
      let maxTwice = 0;
      let maxUnscraped = 0;
      let last: Placement | null = null;
      const settledAt = await waitFor(`${mode}: ${step ?? 'start'} to settle over ${members.join(', ')}`, async () => {
        const p = (last = placement(await activeTargets(live), predicted));
        maxTwice = Math.max(maxTwice, p.twice);
        maxUnscraped = Math.max(maxUnscraped, p.unscraped);
        return p.settled && Date.now();
      }, 90_000, POLL_MS).catch(async (e: unknown) => {
        // What a re-shard that never settles looked like (seen once in a loaded full run): what
        // each instance scrapes and what promduty last published and reloaded where.
        const seen = await activeTargets(live).catch(() => new Map<string, string[]>());
        const published = await t.app.db('publish_state as s')
          .join('prometheus_instances as i', 'i.id', 's.target_id')
          .where({ 's.target_kind': 'prometheus', 'i.pool_id': pool.id })
          .select('i.address', 'i.healthy', 's.file', 's.hash', 's.published_at', 's.reload_ok', 's.reloaded_at', 's.error');
        const detail = { last, active: Object.fromEntries([...seen].map(([k, v]) => [k, v.length])), published };
        throw new Error(`${(e as Error).message}; ${JSON.stringify(detail)}`, { cause: e });
      });
      if (!step) return;
      const noticed = await noticedAt();
      const lastReload = await t.app.db('publish_state as s')
        .join('prometheus_instances as i', 'i.id', 's.target_id')
        .where({ 's.target_kind': 'prometheus', 'i.pool_id': pool.id, 's.reload_ok': true })
        .max('s.reloaded_at as at')
        .first();
      const f: ReshardFigure = {
        mode, step, maxTwice, maxUnscraped,
        settledS: (settledAt - noticed) / 1000,
        fromEventS: (settledAt - eventAt) / 1000,
        publishedS: (new Date(lastReload?.at ?? NaN).getTime() - noticed) / 1000,
      };
      log(`${mode} ${step}: settled ${f.settledS.toFixed(1)} s after promduty noticed (${f.fromEventS.toFixed(1)} s after the event; reloaded ${f.publishedS.toFixed(1)} s after noticing); meanwhile up to ${maxTwice} targets twice, ${maxUnscraped} unscraped`);
      figures.push(f);
    };
    const healthFlip = (address: string, healthy: boolean) => async () =>
      waitFor(`${address} healthy=${healthy} in the database`, async () => {
        const row = await t.app.db('prometheus_instances').where({ address }).first('healthy');
        return Boolean(row?.healthy) === healthy && Date.now();
      }, 60_000, 50);

    await settle(null, [a, b], [a, b], Date.now(), async () => Date.now());

    // add: promduty knows at once (a new instance starts healthy).
    const addAt = Date.now();
    await ok('PATCH', `/api/v1/pools/${pool.id}`, { instances: [a, b, c] });
    const accepted = Date.now();
    await settle('add', [a, b, c], [a, b, c], addAt, async () => accepted);

    // kill: noticed when the probes mark it down. Its health flip is awaited alongside the
    // settling so the wait for one cannot eat into the other's figure.
    const killAt = Date.now();
    await procs.get(a)!.stop();
    procs.delete(a);
    const downAt = healthFlip(a, false)();
    downAt.catch(() => undefined); // awaited below; a settle that fails first must not leave it unhandled
    await settle('kill', [b, c], [b, c], killAt, () => downAt);

    // rejoin: the same process comes back on its last files (the standby config promduty wrote while it was down).
    const backAt = Date.now();
    await start(a);
    const upAt = healthFlip(a, true)();
    upAt.catch(() => undefined);
    await settle('rejoin', [a, b, c], [a, b, c], backAt, () => upAt);

    // Settled stays settled: past one more discovery and scrape-manager cycle (5 s each), still exactly once.
    await new Promise((r) => setTimeout(r, 6000));
    const after = placement(await activeTargets([a, b, c]), predict([a, b, c]));
    assert.ok(after.settled, `${mode}: 6 s after settling, ${after.twice} targets twice, ${after.unscraped} unscraped`);
    return figures;
  } finally {
    await Promise.all([...procs.values()].map((p) => p.stop()));
  }
}
