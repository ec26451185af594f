import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { loadSettings, settingsWarnings, SettingsError, type Role, type Settings } from './config/settings';
import { systemClock, type Clock } from './core/clock';
import { createLogger, type Logger } from './core/logger';
import { createMetrics } from './core/metrics';
import { failFastRedisOptions, logRedisState, quitRedis, redisAddress, redisReady } from './core/redis-clients';
import { checkDurability, enforceDurability } from './core/redis-durability-check';
import { StartRefusedError } from './core/errors';
import { createKnex, ensureDatabase } from './db/connect';
import { migrateLatest } from './db/migrate';
import { createLarkClient } from './feishu/client';
import { createHttpApp } from './http/app';
import { promdutyDirectory } from './sandbox/directory';
import { FeishuSandbox } from './sandbox/sandbox';
import { closeQueues, createQueues } from './queue/queues';
import { startWorkers, type RunningWorkers } from './queue/workers';
import { processors } from './queue/processors';
import { httpLifecycle } from './instances/lifecycle';
import { toolConfigCheck } from './publish/config-check';
import { queueConfigPublisher } from './queue/config-publisher';
import { scheduleRepeatables } from './queue/repeatables';
import { PoolConfigService } from './publish/pool-config';
import { SdCache } from './scrape/sd-cache';
import { SdService } from './scrape/sd-service';
import { ClusterConfigService } from './publish/cluster-snapshot';
import type { ChatDeps } from './chat/types';
import { chatOps } from './wiring/chatops';
import { buildServices, type Services } from './wiring/services';
import { remedyServices } from './wiring/remedy';
import { remedyQueueTuning } from './queue/remedy-jobs';
import { startFeishuWs } from './feishu/ws';
import { alertPipeline } from './events';
import { larkBuzzer, larkCardSender, webhookBotSender } from './feishu/send';
import { FEISHU_UPDATES, RecipientRateLimit } from './feishu/rate-limit';
import { alertQueueTuning, bullAlertJobs } from './queue/alert-jobs';
import { bullPagingJobs } from './queue/paging-jobs';
import { pagingRoom, type PagingRoom } from './paging/room';
import { oncallJobs } from './queue/oncall-jobs';
import { statsMetricsRefresh } from './stats/metrics';

/**
 * Where infrastructure is wired together (with src/wiring/): settings → clients → services →
 * HTTP app and/or workers. Tests call `startPromduty` with their own settings (fresh
 * database, Redis prefix, port 0) so they run exactly what production runs.
 */
export interface StartOptions {
  role?: Role;
  logger?: Logger;
  clock?: Clock;
}

export interface Promduty {
  settings: Settings;
  logger: Logger;
  db: Knex;
  redis: Redis;
  /** Base URL of the HTTP server, when the role serves HTTP. */
  url: string | null;
  services: Services;
  /** The built-in Feishu (FEISHU_SANDBOX), when it stands in for a Feishu app. */
  sandbox: FeishuSandbox | null;
  /** Paging: notification settings and buzzes. */
  paging: PagingRoom;
  /** What people do to alert groups, as the chat's cards and commands run it. */
  groups: ChatDeps['groups'];
  stop(): Promise<void>;
}

export async function startPromduty(settings: Settings, opts: StartOptions = {}): Promise<Promduty> {
  const role = opts.role ?? settings.role;
  const logger = opts.logger ?? createLogger(settings.logLevel);
  const clock = opts.clock ?? systemClock;
  for (const w of settingsWarnings(settings)) logger.warn(w);

  await ensureDatabase(settings.databaseUrl);
  const db = createKnex(settings.databaseUrl);
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');

  // What requests go through fails fast when Redis is down (a 503, not a hang): the app's own
  // client (with a key prefix, so installs and test runs share one Redis safely) and BullMQ's
  // producer connection, which every Queue uses. BullMQ's Workers block on Redis and get their
  // own connection with maxRetriesPerRequest: null, as BullMQ requires (core/redis-clients.ts).
  const failFast = failFastRedisOptions(settings.redisTimeoutMs);
  const redis = new Redis(settings.redisUrl, { ...failFast, keyPrefix: `${settings.redisPrefix}:` });
  const producer = new Redis(settings.redisUrl, failFast);
  const consumer = role === 'worker' || role === 'all' ? new Redis(settings.redisUrl, { maxRetriesPerRequest: null }) : null;
  const clients = { app: redis, queues: producer, ...(consumer && { workers: consumer }) };
  for (const [name, client] of Object.entries(clients)) logRedisState(client, logger, name);
  const checkRedisDurability = () => checkDurability(producer, settings.redisDurability.mode);
  try {
    await Promise.all(Object.values(clients).map((c) => redisReady(c, logger, redisAddress(settings.redisUrl))));
    enforceDurability(await checkRedisDurability(), settings.redisDurability.required, logger);
  } catch (e) {
    for (const client of Object.values(clients)) client.disconnect();
    await db.destroy();
    throw e;
  }
  const metrics = createMetrics();
  const queues = createQueues(producer, settings.redisPrefix);
  // Without a Feishu app, promduty runs a Feishu of its own (see /sandbox) and points the SDK
  // client at it, so cards take the same path they take to Feishu.
  const sandbox = settings.feishu.sandbox ? await FeishuSandbox.start(settings.feishu, logger, clock) : null;
  if (sandbox) settings = { ...settings, feishu: { ...settings.feishu, domain: sandbox.url } };
  const lark = createLarkClient(settings.feishu, logger);
  const publisher = queueConfigPublisher(queues, settings.publishDebounceMs);
  const lifecycle = httpLifecycle();
  const cardSender = larkCardSender(lark, logger, metrics);
  const services = buildServices(db, publisher, new SdCache(redis), {
    redis, clock, logger, sender: cardSender, defaultTimezone: settings.timezone, locale: settings.locale,
    calendarSecret: settings.calendarSecret, publicUrl: settings.publicUrl, ...oncallJobs(queues),
  });
  const poolConfigs = new PoolConfigService(db, services.jobs, settings);
  // One set of alert jobs: the pipeline queues through it, and ChatOps' event changes patch cards with it.
  const alertJobs = bullAlertJobs(queues, settings.alerts.dedupWindowMs, settings.redisTimeoutMs);
  const paging = pagingRoom({ db, clock, logger, metrics, buzzer: larkBuzzer(lark, logger, metrics), jobs: bullPagingJobs(queues) });
  const remedy = remedyServices({ db, clock, logger, sender: cardSender, queues, retryMs: settings.actionRetryMs, minuteMs: settings.alerts.escalationMinuteMs, locale: settings.locale });
  const alerts = alertPipeline({
    db, clock, logger, metrics, settings, sender: cardSender, webhookBot: webhookBotSender(metrics), oncall: services.oncall, jobs: alertJobs,
    paging: paging.paging, remedy: remedy.runner,
  });
  const eventCards = alerts.cards;
  metrics.refreshOnScrape(statsMetricsRefresh(services.stats, metrics, clock));
  const chatops = chatOps({
    settings, db, redis, queues, alertJobs, destinations: alerts.destinations, paging: paging.paging, clock, logger,
    services: { ...services, poolConfigs, eventCards, notify: paging.settings, actions: remedy.actions, remedy: remedy.runner },
  });
  logger.info({ role, feishu: lark ? 'on' : 'off', clock: clock === systemClock ? 'system' : 'injected' }, 'promduty starting');

  let server: Server | null = null;
  let url: string | null = null;
  if (role === 'api' || role === 'all') {
    const app = createHttpApp({ settings, logger, metrics, db, redis, queues, ...services,
      redisDurability: { check: checkRedisDurability, required: settings.redisDurability.required },
      sd: new SdService(db, services.hosts, services.sdCache),
      poolConfigs,
      notifySettings: paging.settings,
      feishu: chatops.receiver,
      alertIngest: alerts.ingest,
      deadLetters: alerts.deadLetterReplay,
      alertGroups: alerts.alertGroups,
      actions: remedy.actions,
      clusterConfigs: new ClusterConfigService(db, settings),
      sandbox: sandbox && { feishu: sandbox, directory: promdutyDirectory(services), allowRemote: settings.feishu.sandbox?.allowRemote ?? false },
    });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(settings.port, settings.host, () => resolve(s)).on('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;
    logger.info({ url }, 'http listening');
  }
  if (sandbox) {
    const page = url ? `${url}/sandbox` : null;
    logger.info({ page, openApi: sandbox.url }, page ? `Feishu sandbox: open ${page}` : 'Feishu sandbox running');
    if (role !== 'all') logger.warn('the Feishu sandbox lives in one process: run ROLE=all, or api and worker processes each get their own');
  }

  let workers: RunningWorkers | null = null;
  if (consumer) {
    workers = startWorkers({
      connection: consumer,
      prefix: settings.redisPrefix,
      processors,
      ctx: { ...services, db, redis, cardSender, logger, clock, settings, queues, publisher, lifecycle, configCheck: toolConfigCheck(logger), chat: chatops.chat,
        metrics, alerts, paging, recipientLimit: new RecipientRateLimit(redis),
        updateLimit: new RecipientRateLimit(redis, FEISHU_UPDATES, 'update'), remedy: remedy.runner, remedySweep: remedy.sweep },
      tuning: { ...alertQueueTuning, remedy: remedyQueueTuning },
      lockMs: settings.jobLockMs,
      logger,
      metrics,
    });
    await scheduleRepeatables(queues, settings);
    logger.info({ queues: workers.workers.map((w) => w.name) }, 'workers running');
  }

  // FEISHU_MODE=ws: callbacks over the SDK's long connection, into the same dispatcher.
  const feishuWs = settings.feishu.mode === 'ws' && role !== 'worker' ? startFeishuWs(settings.feishu, chatops.dispatcher, logger) : null;

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: no new requests, letting running jobs finish');
      feishuWs?.close();
      sandbox?.disconnectPages();
      if (server) {
        const s = server;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        // Requests in flight get a moment to answer; one that hangs (or a keep-alive socket a
        // client holds open) must not hold the shutdown, so what is left is cut after it.
        await Promise.race([closed, sleep(Math.min(5000, settings.shutdownGraceMs / 2))]);
        s.closeAllConnections();
        await closed;
      }
      // Running jobs get most of the grace; the rest is for closing the clients.
      await workers?.close(Math.max(1000, settings.shutdownGraceMs - 3000));
      await closeQueues(queues);
      await Promise.allSettled(Object.values(clients).map((c) => quitRedis(c)));
      await sandbox?.close();
      await db.destroy();
      logger.info('stopped');
    })());

  return { settings, logger, db, redis, url, services, sandbox, paging, groups: chatops.chat.groups, stop };
}

async function cli(argv: string[]): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (e) {
    if (e instanceof SettingsError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(settings.logLevel);
  if (argv[0] === 'migrate') {
    await ensureDatabase(settings.databaseUrl);
    const db = createKnex(settings.databaseUrl);
    const applied = await migrateLatest(db);
    logger.info({ migrations: applied }, applied.length ? 'migrated' : 'already up to date');
    await db.destroy();
    return;
  }
  const roleArg = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  const role = roleArg === undefined ? settings.role : loadSettings({ ROLE: roleArg }).role;
  // Handlers go in before the start: a signal during start-up (HTTP already answering,
  // workers not yet running) must still shut down gracefully, not kill the process.
  const starting = startPromduty(settings, { role, logger });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutdown requested');
    const force = setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, settings.shutdownGraceMs);
    force.unref();
    starting
      .then((app) => app.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await starting;
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    const why = err instanceof StartRefusedError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`promduty failed to start: ${why}\n`);
    process.exit(1);
  });
}
