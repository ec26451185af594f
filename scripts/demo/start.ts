import { rm } from 'node:fs/promises';
import { deleteByPrefix } from '../../src/core/redis-prefix';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadSettings } from '../../src/config/settings';
import { dropDatabase } from '../../src/db/connect';
import { startPromduty, type Promduty } from '../../src/main';
import { freePort, waitFor, type RunningProcess } from '../../test/support/processes';
import { installed, startDemoAlertmanager, startDemoPrometheus, startNodeExporter, startVictoriaMetrics, startVmalert, type Binary } from './processes';
import { apiClient, createRules, createWorld, DEMO, vmalertFlags, worldPublished, type DemoWorld } from './world';

export interface DemoOptions {
  /** Its own database, reset on every start (default `promduty_demo`). */
  database?: string;
  /** Its own Redis key prefix, reset on every start (default `promduty_demo`). */
  redisPrefix?: string;
  /** promduty's port (default 8080; 0 picks a free one). */
  port?: number;
  mysqlUrl?: string;
  redisUrl?: string;
  logLevel?: string;
  timezone?: string;
  /** The bot's language (LOCALE); unset, the settings' default (zh-CN for the sandbox). */
  locale?: string;
  /** Drop the database, Redis keys and config files on stop too (tests); the demo keeps them to look at. */
  dropOnStop?: boolean;
}

export interface DemoUrls {
  promduty: string;
  sandbox: string;
  feishuApi: string;
  prometheus: string[];
  alertmanager: string | null;
  nodeExporter: string | null;
  victoriaMetrics: string | null;
  vmalert: string | null;
}

export interface Demo {
  app: Promduty;
  world: DemoWorld & { firingRuleId: number };
  urls: DemoUrls;
  apiToken: string;
  /** Binaries that were not installed, so their processes are not running. */
  missing: Binary[];
  stop(): Promise<void>;
}

const API_TOKEN = 'demo-api-token';
/** Alertmanager's bearer token for promduty's webhook (tests post alerts of their own with it too). */
export const DEMO_WEBHOOK_TOKEN = 'demo-webhook-token';

async function resetState(databaseUrl: string, redisUrl: string, prefix: string, configDir: string): Promise<void> {
  await dropDatabase(databaseUrl);
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    await deleteByPrefix(r, prefix);
  } finally {
    r.disconnect();
  }
  await rm(configDir, { recursive: true, force: true });
}

/** Fails before anything is reset when promduty's port is taken (say, by a demo already running). */
async function portFree(port: number): Promise<void> {
  const inUse = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
  if (inUse) throw new Error(`port ${port} is in use (another demo?): stop it, or set DEMO_PORT`);
}

/**
 * The whole demo: a fresh database, real Prometheus ×2 (sharded collectors), VictoriaMetrics,
 * vmalert, Alertmanager and node exporter on loopback (when installed), promduty (role all) with the Feishu sandbox, and the demo world.
 * Running it again starts from scratch: its database, Redis keys and config files are reset.
 */
export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 8080);
  await portFree(port);
  const mysqlUrl = (opts.mysqlUrl ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const databaseUrl = `${mysqlUrl}/${opts.database ?? 'promduty_demo'}`;
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const prefix = opts.redisPrefix ?? 'promduty_demo';
  const configDir = resolve('var', prefix, 'config');
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  await resetState(databaseUrl, redisUrl, prefix, configDir);

  const has = installed();
  const missing = (Object.keys(has) as Binary[]).filter((b) => !has[b]);
  const [prom1, prom2, am, node, vm, vmalert] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const processes: RunningProcess[] = [];
  const stopProcesses = () => Promise.allSettled(processes.map((p) => p.stop()));
  let app: Promduty | null = null;
  try {
    const started = await Promise.allSettled([
      has.prometheus ? startDemoPrometheus(configDir, DEMO.pool, prom1) : null,
      has.prometheus ? startDemoPrometheus(configDir, DEMO.pool, prom2) : null,
      has.alertmanager ? startDemoAlertmanager(configDir, DEMO.cluster, am) : null,
      has.nodeExporter ? startNodeExporter(node) : null,
      has.victoriaMetrics ? startVictoriaMetrics(vm) : null,
    ]);
    // Keep every process that did start, so a failure of one still stops the others.
    for (const r of started) if (r.status === 'fulfilled' && r.value) processes.push(r.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;

    const settings = loadSettings({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      API_TOKEN,
      WEBHOOK_TOKEN: DEMO_WEBHOOK_TOKEN,
      FEISHU_SANDBOX: 'on',
      CONFIG_DIR: configDir,
      TZ: timezone,
      LOG_LEVEL: opts.logLevel ?? 'warn',
      PUBLISH_DEBOUNCE_MS: '200',
      PROBE_INTERVAL_MS: '5000',
      ...(opts.locale ? { LOCALE: opts.locale } : {}),
    });
    app = await startPromduty(settings, { role: 'all' });
    const url = app.url ?? `http://127.0.0.1:${port}`;
    const api = apiClient(url, API_TOKEN);
    const at = {
      prometheus: [`127.0.0.1:${prom1}`, `127.0.0.1:${prom2}`] as [string, string],
      alertmanager: `127.0.0.1:${am}`,
      nodeExporterPort: node,
      victoriaMetrics: `127.0.0.1:${vm}`,
      vmalert: `127.0.0.1:${vmalert}`,
    };
    const base = await createWorld(api, at, timezone);
    // vmalert runs with exactly the flags promduty shows for it.
    if (has.vmalert && has.victoriaMetrics) processes.push(await startVmalert(await vmalertFlags(api, base)));
    if (has.prometheus && has.alertmanager && has.victoriaMetrics && has.vmalert) {
      await waitFor('Prometheus, vmalert and Alertmanager to load the published files', () => worldPublished(api, base), 60_000, 500);
    }
    const world = { ...base, ...(await createRules(api, base)) };

    const running = app;
    return {
      app: running,
      world,
      apiToken: API_TOKEN,
      missing,
      urls: {
        promduty: url,
        sandbox: `${url}/sandbox#${DEMO.chatId}`,
        feishuApi: running.sandbox?.url ?? '',
        prometheus: has.prometheus ? at.prometheus.map((a) => `http://${a}`) : [],
        alertmanager: has.alertmanager ? `http://${at.alertmanager}` : null,
        nodeExporter: has.nodeExporter ? `http://127.0.0.1:${node}/metrics` : null,
        victoriaMetrics: has.victoriaMetrics ? `http://${at.victoriaMetrics}` : null,
        vmalert: has.vmalert && has.victoriaMetrics ? `http://${at.vmalert}` : null,
      },
      stop: async () => {
        await running.stop();
        await stopProcesses();
        if (opts.dropOnStop) await resetState(databaseUrl, redisUrl, prefix, configDir);
      },
    };
  } catch (e) {
    await app?.stop();
    await stopProcesses();
    throw e;
  }
}
