import { z } from 'zod';
import { issuePath } from '../core/validate';
import { defaultLocaleFor, LOCALES, type Locale } from '../i18n/locale';
import { callbacksLoopbackOnly, SANDBOX_CREDENTIALS, sandboxWanted } from './feishu-sandbox';

/**
 * Environment → typed settings, validated once at start. Every variable has a default that
 * works on one machine (local MariaDB and Redis); secrets have development defaults and the
 * start-up log warns when those are in use.
 */
const role = z.enum(['api', 'worker', 'all']);

const schema = z.object({
  ROLE: role.default('all'),
  DATABASE_URL: z
    .string()
    .default('mysql://root@127.0.0.1:3306/promduty')
    .refine((s) => /^mysql2?:\/\//.test(s), 'must be a mysql:// URL'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((s) => /^rediss?:\/\//.test(s), 'must be a redis:// URL'),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]+$/, 'letters, digits, ":", ".", "-" only').default('promduty'),
  REDIS_REQUIRE_DURABLE: z.enum(['true', 'false'], 'must be true or false').optional(),
  REDIS_DURABILITY: z.enum(['check', 'assume']).default('check'),
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1500),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  API_TOKEN: z.string().min(8, 'must be at least 8 characters').default('dev-api-token'),
  WEBHOOK_TOKEN: z.string().min(8, 'must be at least 8 characters').default('dev-webhook-token'),
  SD_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  FEISHU_APP_ID: z.string().optional(),
  FEISHU_APP_SECRET: z.string().optional(),
  FEISHU_ENCRYPT_KEY: z.string().optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_DOMAIN: z.string().default('https://open.feishu.cn'),
  FEISHU_MODE: z.enum(['http', 'ws']).default('http'),
  LOCALE: z.enum(LOCALES, `must be one of ${LOCALES.join(', ')}`).optional(),
  FEISHU_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  FEISHU_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  PUBLIC_URL: z.string().url('must be a URL').optional(),
  CALENDAR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CONFIG_DIR: z.string().default('./var/config'),
  TZ: z.string().default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'like 1mb or 512kb').default('1mb'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  PUBLISH_DEBOUNCE_MS: z.coerce.number().int().min(0).default(1000),
  PROBE_INTERVAL_MS: z.coerce.number().int().min(1000).default(15_000),
  ESCALATION_MINUTE_MS: z.coerce.number().int().min(1).default(60_000),
  ACTION_RETRY_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
  ALERT_DEDUP_WINDOW_MS: z.coerce.number().int().min(0).default(60_000),
  ALERT_DIGEST_THRESHOLD: z.coerce.number().int().min(1).max(50).default(5),
});

export type Role = z.infer<typeof role>;

export interface Settings {
  role: Role;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Whether Redis keeps what it acknowledged (src/core/redis-durability.ts). */
  redisDurability: {
    /** REDIS_DURABILITY: `check` reads CONFIG at start and in /readyz; `assume` takes the operator's word (CONFIG disabled). */
    mode: 'check' | 'assume';
    /** REDIS_REQUIRE_DURABLE: refuse to start (and /readyz 503) unless durable; default on when a Feishu app is configured. */
    required: boolean;
  };
  /**
   * REDIS_TIMEOUT_MS: the longest a request waits on Redis (each command of the API's clients,
   * and a webhook notification waiting to be queued) before it is answered 503.
   */
  redisTimeoutMs: number;
  port: number;
  host: string;
  apiToken: string;
  webhookToken: string;
  /** Bearer Prometheus sends to http_sd; defaults to the API token. */
  sdToken: string;
  feishu: {
    appId?: string;
    appSecret?: string;
    encryptKey?: string;
    verificationToken?: string;
    domain: string;
    mode: 'http' | 'ws';
    /** False when no app credentials are set: the app runs, Feishu delivery is off. */
    enabled: boolean;
    /**
     * The built-in Feishu sandbox (FEISHU_SANDBOX): when set, the app id, secret and callback
     * keys above are the sandbox's, and `domain` is replaced by the sandbox's URL at start.
     */
    sandbox?: {
      /** FEISHU_SANDBOX_PORT: where the sandbox's Open API listens (0: any free port). */
      port: number;
      /** FEISHU_SANDBOX=on: the /sandbox page also answers clients that are not on loopback. */
      allowRemote: boolean;
    } | null;
    /**
     * `/feishu/events` and `/feishu/cards` answer loopback clients only (403 for others):
     * while the secret that verifies callbacks is a public sandbox key (callbacksLoopbackOnly).
     */
    callbacksLoopbackOnly: boolean;
  };
  publicUrl: string;
  /** Key of the calendar feeds' URL tokens (CALENDAR_SECRET, else derived from API_TOKEN). */
  calendarSecret: string;
  configDir: string;
  timezone: string;
  /** LOCALE: the language of every card and reply; default zh-CN, or en when FEISHU_DOMAIN is Lark's. */
  locale: Locale;
  logLevel: string;
  bodyLimit: string;
  shutdownGraceMs: number;
  /**
   * A worker holds each running job this long and renews it while alive; the job of a worker
   * that died is taken over once it lapsed (checked every half of it).
   */
  jobLockMs: number;
  /** Changes within this window collapse into one publish. */
  publishDebounceMs: number;
  /** How often Prometheus and Alertmanager instances are probed. */
  probeIntervalMs: number;
  /** The alert pipeline (src/events). */
  alerts: {
    /** What one "minute" of an escalation level's afterMinutes is (tests shorten it). */
    escalationMinuteMs: number;
    /** The same notification again within this window (HA replicas, retries) changes nothing. */
    dedupWindowMs: number;
    /** More new cards than this pending for one chat are folded into digest cards. */
    digestThreshold: number;
  };
  /** Remediation actions (src/remedy): the first wait before a failed call is tried again, doubling. */
  actionRetryMs: number;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads settings from an env-like object; throws SettingsError naming every bad variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(blankless);
  if (!r.success) {
    throw new SettingsError(r.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`));
  }
  const e = r.data;
  if (!validTimeZone(e.TZ)) throw new SettingsError([`TZ: unknown time zone "${e.TZ}"`]);
  const configured = Boolean(e.FEISHU_APP_ID && e.FEISHU_APP_SECRET);
  const sandbox = sandboxWanted(e.FEISHU_SANDBOX, configured);
  const enabled = configured || sandbox;
  const encryptKey = e.FEISHU_ENCRYPT_KEY ?? (sandbox ? SANDBOX_CREDENTIALS.encryptKey : undefined);
  const verificationToken = e.FEISHU_VERIFICATION_TOKEN ?? (sandbox ? SANDBOX_CREDENTIALS.verificationToken : undefined);
  return {
    role: e.ROLE,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    // Production mode (a real Feishu app) promises "2xx means durable"; a laptop may run a cache-mode Redis.
    redisDurability: { mode: e.REDIS_DURABILITY, required: e.REDIS_REQUIRE_DURABLE === undefined ? configured : e.REDIS_REQUIRE_DURABLE === 'true' },
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    port: e.PORT,
    host: e.HOST,
    apiToken: e.API_TOKEN,
    webhookToken: e.WEBHOOK_TOKEN,
    sdToken: e.SD_TOKEN ?? e.API_TOKEN,
    feishu: {
      appId: sandbox ? SANDBOX_CREDENTIALS.appId : e.FEISHU_APP_ID,
      appSecret: sandbox ? SANDBOX_CREDENTIALS.appSecret : e.FEISHU_APP_SECRET,
      encryptKey,
      verificationToken,
      domain: e.FEISHU_DOMAIN.replace(/\/+$/, ''),
      // The sandbox cannot open a long connection: its callbacks arrive over HTTP.
      mode: sandbox ? 'http' : e.FEISHU_MODE,
      enabled,
      sandbox: sandbox ? { port: e.FEISHU_SANDBOX_PORT, allowRemote: e.FEISHU_SANDBOX === 'on' } : null,
      callbacksLoopbackOnly: callbacksLoopbackOnly({ encryptKey, verificationToken }, e.FEISHU_SANDBOX),
    },
    calendarSecret: e.CALENDAR_SECRET ?? `calendar:${e.API_TOKEN}`,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    configDir: e.CONFIG_DIR,
    timezone: e.TZ,
    locale: e.LOCALE ?? defaultLocaleFor(e.FEISHU_DOMAIN),
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    jobLockMs: e.JOB_LOCK_MS,
    publishDebounceMs: e.PUBLISH_DEBOUNCE_MS,
    probeIntervalMs: e.PROBE_INTERVAL_MS,
    alerts: {
      escalationMinuteMs: e.ESCALATION_MINUTE_MS,
      dedupWindowMs: e.ALERT_DEDUP_WINDOW_MS,
      digestThreshold: e.ALERT_DIGEST_THRESHOLD,
    },
    actionRetryMs: e.ACTION_RETRY_MS,
  };
}

/** Warnings worth a log line at start (never the secret values themselves). */
export function settingsWarnings(s: Settings): string[] {
  const w: string[] = [];
  if (s.apiToken === 'dev-api-token') w.push('API_TOKEN is the development default; set a secret in production');
  if (s.webhookToken === 'dev-webhook-token') w.push('WEBHOOK_TOKEN is the development default; set a secret in production');
  if (s.feishu.sandbox?.allowRemote)
    w.push(
      s.feishu.encryptKey === SANDBOX_CREDENTIALS.encryptKey
        ? 'FEISHU_SANDBOX=on: /sandbox and the Feishu callback routes answer clients on every address, and the sandbox keys are public: anyone who can reach this port can act as any promduty user. Use it on a trusted network only'
        : 'FEISHU_SANDBOX=on: /sandbox answers clients on every address: anyone who can reach this port can act as any promduty user. Use it on a trusted network only',
    );
  if (s.feishu.sandbox) w.push('Feishu delivery is off: cards go to the built-in Feishu sandbox (see /sandbox); set FEISHU_APP_ID/FEISHU_APP_SECRET for real Feishu, or FEISHU_SANDBOX=off');
  else if (!s.feishu.enabled) w.push('FEISHU_APP_ID/FEISHU_APP_SECRET not set: Feishu delivery is off');
  else if (!s.feishu.encryptKey && !s.feishu.verificationToken)
    w.push('neither FEISHU_ENCRYPT_KEY nor FEISHU_VERIFICATION_TOKEN set: Feishu callbacks will be refused');
  return w;
}
