import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Clock } from '../../src/core/clock';
import { escalationJobId } from '../../src/events/escalation-steps';
import { FeishuServer, type SandboxMessage } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from './app';
import { REDIS_URL } from './env';
import { PATIENCE_MS, waitFor } from './processes';

/**
 * An app wired to a local Feishu (the real SDK against FeishuServer) with one send group:
 * chat `oc_ops`, on-call group where alice (ou_alice) is always on call, private cards on.
 */
export const APP = { appId: 'cli_alerts', appSecret: 'alerts-secret' };
export const WEBHOOK_TOKEN = 'test-webhook-token';
export const HOOK_TOKEN = 'hook-ops';
export const HOOK_SECRET = 'hook-secret';

export interface AlertTestApp {
  t: TestApp;
  feishu: FeishuServer;
  users: Record<'alice' | 'bob' | 'carol', number>;
  clusterId: number;
  close(): Promise<void>;
}

export async function startAlertApp(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<AlertTestApp> {
  const feishu = await FeishuServer.start({ ...APP, webhookSecrets: { [HOOK_TOKEN]: HOOK_SECRET } });
  const t = await startTestApp({
    clock: opts.clock,
    env: { FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret, FEISHU_DOMAIN: feishu.url, ...opts.env },
  });
  const ok = async (path: string, body: unknown) => {
    const r = await t.api('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body.id as number;
  };
  const users = {
    alice: await ok('/api/v1/users', { name: 'alice', feishuOpenId: 'ou_alice' }),
    bob: await ok('/api/v1/users', { name: 'bob', feishuOpenId: 'ou_bob' }),
    carol: await ok('/api/v1/users', { name: 'carol', feishuOpenId: 'ou_carol' }),
  };
  await ok('/api/v1/oncall-groups', { name: 'ops', members: [users.alice], startDate: '2025-01-01' });
  const clusterId = await ok('/api/v1/alertmanager-clusters', { name: 'am' });
  return {
    t,
    feishu,
    users,
    clusterId,
    close: async () => {
      await t.close();
      await feishu.close();
    },
  };
}

/** A send group of the test app; `chat` defaults to oc_<name>. */
export async function sendGroup(a: AlertTestApp, name: string, over: Record<string, unknown> = {}): Promise<{ id: number; chat: string }> {
  const oncallGroupId = (await a.t.app.db('oncall_groups').where({ name: 'ops' }).first('id')).id;
  const chat = `oc_${name}`;
  const r = await a.t.api('POST', '/api/v1/send-groups', {
    name,
    alertmanagerClusterId: a.clusterId,
    oncallGroupId,
    feishuChatId: chat,
    notifyOncallPrivate: true,
    ...over,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.id, chat };
}

export interface TestAlert {
  name?: string;
  instance?: string;
  sendGroup?: number | string | null;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  endsAt?: string;
  fingerprint?: string;
  annotations?: Record<string, string>;
  severity?: string;
}

let fp = 0;
/** A fingerprint unique in this process. */
export const newFingerprint = (): string => (0x1000000 + ++fp).toString(16) + Math.random().toString(16).slice(2, 8);

/** An Alertmanager v4 webhook body for these alerts (one group). */
export function webhookBody(alerts: TestAlert[], groupKey = `{}:{test="${newFingerprint()}"}`) {
  const items = alerts.map((a) => {
    const labels: Record<string, string> = { alertname: a.name ?? 'HostDown', instance: a.instance ?? '10.0.0.1:9100', severity: a.severity ?? 'critical' };
    if (a.sendGroup !== null && a.sendGroup !== undefined) labels.send_group = String(a.sendGroup);
    return {
      status: a.status ?? 'firing',
      labels,
      annotations: a.annotations ?? { summary: `${labels.alertname} on ${labels.instance}`, description_value: '0' },
      startsAt: a.startsAt ?? '2026-01-05T01:00:00.123456789Z',
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom:9090/graph?g0.expr=up',
      fingerprint: a.fingerprint ?? newFingerprint(),
    };
  });
  const status = items.some((i) => i.status === 'firing') ? 'firing' : 'resolved';
  return { receiver: 'sg', status, alerts: items, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am:9093', version: '4', groupKey, truncatedAlerts: 0 };
}

export async function postWebhook(t: TestApp, body: unknown, token: string | null = WEBHOOK_TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${t.url}/api/v1/alerts/webhook`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** Cards (interactive messages) in a chat or to a user, by title. */
export const cards = (feishu: FeishuServer, receiveId: string): SandboxMessage[] =>
  feishu.messagesFor(receiveId).filter((m) => m.msg_type === 'interactive' && !m.parent_id);

export const titleOf = (m: SandboxMessage): string => m.content?.header?.title?.content ?? '';
export const templateOf = (m: SandboxMessage): string => m.content?.header?.template ?? '';
/** Every markdown text of a card, joined: ids, mentions and facts are in there. */
export const textOf = (m: SandboxMessage): string => JSON.stringify(m.content);

/**
 * Resolves once these queues hold no waiting, active or delayed job (escalation timers are left
 * out by default), apart from the next run of each repeatable job (the delivery sweep).
 */
export async function settled(t: TestApp, names: string[] = ['alerts', 'delivery', 'notify', 'paging'], timeoutMs = PATIENCE_MS): Promise<void> {
  const queues = names.map((n) => new Queue(n, { connection: { url: REDIS_URL }, prefix: t.app.settings.redisPrefix }));
  try {
    await waitFor(
      `queues ${names.join(', ')} to drain`,
      async () => {
        for (const q of queues) {
          const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          const jobs = Object.values(c).reduce((a, b) => a + b, 0);
          if (jobs > (await q.getJobSchedulersCount())) return false;
        }
        return true;
      },
      timeoutMs,
      50,
    );
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** The escalation queue of a test app (close it after). */
export const escalationQueue = (t: TestApp): Queue => new Queue('escalation', { connection: { url: REDIS_URL }, prefix: t.app.settings.redisPrefix });

/**
 * Runs an event's escalation timer now instead of waiting out its delay, and resolves once it
 * has run. Tests give timers long delays, so nothing a test does first (a claim, a silence) can
 * race them on a slow machine, and then fire them with this.
 */
export async function runEscalationNow(queue: Queue, e: { id: number; escalation_id: string; groupId?: number }, level = 1): Promise<void> {
  const jobId = escalationJobId({ eventId: e.id, groupId: e.groupId, escalationId: e.escalation_id, level });
  const job = await waitFor(`escalation timer ${jobId}`, async () => queue.getJob(jobId), undefined, 20);
  // It may start on its own between the two calls; the wait below covers both.
  if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
  await waitFor(`escalation timer ${jobId} to run`, async () => (await job.getState()) === 'completed', undefined, 20);
}
