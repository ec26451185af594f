import { movedWhenOneLeaves } from '../src/scrape/sharding';
import { publishPool } from '../src/publish/pool';
import { renderPool } from '../src/publish/render-pool';
import { loadPoolSnapshot } from '../src/publish/pool-snapshot';
import { httpLifecycle } from '../src/instances/lifecycle';
import { systemClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import { startTestApp } from '../test/support/app';
import { median, timeRuns, type Figure } from './stats';

/** Bulk rows straight into the tables: setting up 10,000 hosts through the API would dominate. */
async function insertChunked(db: any, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) await db(table).insert(rows.slice(i, i + 2000));
}

export async function scrapeBench(): Promise<Figure[]> {
  const t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '600000' } });
  try {
    const db = t.app.db;
    // http_sd over 10,000 hosts under one tree node.
    const [leaf] = await db('tree_nodes').insert({ name: 'big', path: '/big', depth: 0 });
    await insertChunked(db, 'hosts', Array.from({ length: 10_000 }, (_, i) => ({ hostname: `h${i}`, ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, labels: '{"dc":"sh"}' })));
    const hostIds = await db('hosts').pluck('id');
    await insertChunked(db, 'node_hosts', hostIds.map((host_id: number) => ({ node_id: leaf, host_id })));
    const [poolId] = (await db('scrape_pools').insert({ name: 'bench' })) as [number];
    // Instances on closed loopback ports: reloads fail fast, which is what we want to time.
    await db('prometheus_instances').insert([1, 2, 3].map((i) => ({ pool_id: poolId, address: `127.0.0.1:${i}` })));
    const [sdJob] = await db('scrape_jobs').insert({ pool_id: poolId, name: 'sd', discovery: 'http_sd' });
    await db('scrape_job_nodes').insert({ job_id: sdJob, node_id: leaf });
    const sdUrl = `${t.url}/api/v1/sd/jobs/${sdJob}`;
    const headers = { authorization: `Bearer ${t.app.settings.sdToken}` };
    // Read the body as Prometheus does (bytes); parsing 1 MB of JSON client-side is not the endpoint.
    const sd = median(await timeRuns(async () => (await fetch(sdUrl, { headers })).arrayBuffer(), 30, 3));

    // A pool with 3 instances, 500 jobs and 50,000 static targets.
    await insertChunked(
      db,
      'scrape_jobs',
      Array.from({ length: 499 }, (_, j) => ({
        pool_id: poolId,
        name: `job${j}`,
        discovery: 'static',
        static_targets: JSON.stringify({ targets: Array.from({ length: 100 }, (_, k) => `127.1.${j >> 2}.${(j & 3) * 60 + (k % 60)}:${9100 + k}`) }),
      })),
    );
    const ctx = { db, jobs: t.app.services.jobs, lifecycle: httpLifecycle(1000), clock: systemClock, logger: silentLogger(), configDir: t.app.settings.configDir, publicUrl: t.url, sdToken: 'x' };
    const render = median(await timeRuns(async () => renderPool(await loadPoolSnapshot(db, ctx.jobs, poolId), ctx), 5));
    const publish = median(
      await timeRuns(async () => {
        await db('publish_state').delete();
        await publishPool(ctx, poolId);
      }, 5),
    );

    const targets = Array.from({ length: 10_000 }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:9100`);
    const four = ['127.0.0.1:9091', '127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094'];
    const moved = movedWhenOneLeaves(targets, four, four[1]!);
    const pct = (n: number) => (100 * n) / targets.length;
    return [
      { issue: 3, name: 'http_sd for a job over 10,000 hosts (HTTP, median)', value: sd, unit: 'ms', goal: { op: '<=', value: 20 } },
      { issue: 3, name: 'snapshot + render a pool: 3 instances, 500 jobs, 50,000 targets', value: render, unit: 'ms', goal: { op: '<=', value: 500 } },
      { issue: 3, name: 'render + publish that pool (write 3×3 files, reload, record)', value: publish, unit: 'ms' },
      { issue: 3, name: 'targets moved when 1 of 4 instances leaves: hashmod', value: pct(moved.hashmod), unit: '% of 10,000' },
      { issue: 3, name: 'targets moved when 1 of 4 instances leaves: consistent', value: pct(moved.consistent), unit: '% of 10,000' },
    ];
  } finally {
    await t.close();
  }
}
