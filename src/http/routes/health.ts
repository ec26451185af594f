import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Metrics } from '../../core/metrics';
import { durabilityReadiness, type Durability } from '../../core/redis-durability';
import { queueCounts } from '../../queue/counts';
import type { Queues } from '../../queue/queues';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);

export interface HealthDeps {
  db: Knex;
  redis: Redis;
  metrics: Metrics;
  queues: Queues;
  /** Whether Redis keeps what promduty acknowledges (REDIS_DURABILITY, REDIS_REQUIRE_DURABLE). */
  redisDurability: { check(): Promise<Durability>; required: boolean };
}

const failure = (r: PromiseSettledResult<unknown>): string | null => (r.status === 'fulfilled' ? null : String((r.reason as Error).message));

export function healthRoutes(router: Router, d: HealthDeps): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  const readiness = async () => {
    const [db, redis, durable] = await Promise.allSettled([
      withTimeout(d.db.raw('SELECT 1'), 2000, 'database'),
      withTimeout(d.redis.ping(), 2000, 'redis'),
      withTimeout(d.redisDurability.check(), 2000, 'redis durability'),
    ]);
    const durability = durabilityReadiness(
      redis.status === 'rejected' ? { notChecked: 'Redis unreachable' } : durable.status === 'fulfilled' ? durable.value : { notChecked: failure(durable) ?? '' },
      d.redisDurability.required,
    );
    return {
      ready: db.status === 'fulfilled' && redis.status === 'fulfilled' && durability.ready,
      checks: { database: failure(db) ?? 'ok', redis: failure(redis) ?? 'ok', redis_durability: durability.report },
      warnings: durability.warnings,
    };
  };

  router.get('/readyz', async (ctx) => {
    const { ready, checks, warnings } = await readiness();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks, ...(warnings.length && { warnings }) };
  });

  router.get('/metrics', async (ctx) => {
    // Prometheus cannot probe /readyz itself; this gauge lets a rule see "up but not ready".
    const ready = readiness().then((r) => d.metrics.ready.set(r.ready ? 1 : 0));
    // Figures that are shared state (dead letters), read while the rest is gathered.
    const fromDatabase = withTimeout(d.metrics.refresh(), 2000, 'metrics from the database').catch(() => undefined);
    // Queue depths are read on scrape rather than polled, so idle installs cost nothing.
    try {
      const counts = await withTimeout(queueCounts(d.queues), 2000, 'queue counts');
      for (const [queue, states] of Object.entries(counts))
        for (const [state, n] of Object.entries(states)) d.metrics.queueJobs.set({ queue, state }, n);
    } catch {
      // Redis down: still serve process metrics; /readyz reports the outage.
    }
    await Promise.all([ready, fromDatabase]);
    ctx.type = d.metrics.registry.contentType;
    ctx.body = await d.metrics.registry.metrics();
  });
}
