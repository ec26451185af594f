import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { FeishuCaller } from '../support/feishu-callbacks';
import { freePort, startAlertmanager, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';
import { instanceDirName } from '../../src/publish/render-pool';
import { FeishuServer, type SandboxMessage } from '../../src/sandbox/feishu-server';
import { signWebhook } from '../../src/core/webhook-sign';

/**
 * Issue 18's remediation actions with real processes: a rule published to a real Prometheus
 * fires through a real Alertmanager (which re-sends it every second) into promduty, whose
 * actions call a local HTTP endpoint that logs every request. Feishu is the local stand-in,
 * button clicks arrive signed and encrypted as Feishu sends them.
 */
const APP = { appId: 'cli_remedy', appSecret: 'remedy-secret' };
const KEYS = { encryptKey: 'remedy-encrypt-key', verificationToken: 'remedy-verification' };
const CHAT = 'oc_remedy_ops';
const SECRET = 'the-signing-secret-0123';

interface Logged {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  start: number;
  end: number;
}

let t: TestApp;
let prom: RunningProcess;
let am: RunningProcess;
let feishu: FeishuServer;
let endpoint: Server;
let target = '';
const log: Logged[] = [];
const calls = (prefix: string) => log.filter((l) => l.path.startsWith(prefix));

before(async () => {
  // The endpoint answers after 300 ms, so two calls for one alert at once would overlap in its log.
  endpoint = createServer((req, res) => {
    const start = Date.now();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () =>
      setTimeout(() => {
        log.push({ path: req.url ?? '', headers: req.headers, body, start, end: Date.now() });
        if (req.url?.startsWith('/fail')) res.writeHead(500).end('boom: the job template is locked\nsecond line');
        else res.writeHead(201, { 'content-type': 'application/json' }).end('{"job": 913}\nqueued');
      }, 300),
    );
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;

  feishu = await FeishuServer.start(APP);
  const port = await freePort();
  t = await startTestApp({
    env: {
      PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PUBLISH_DEBOUNCE_MS: '50',
      FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret,
      FEISHU_ENCRYPT_KEY: KEYS.encryptKey, FEISHU_VERIFICATION_TOKEN: KEYS.verificationToken,
      // "after 1 minute" is one second here; retries start 200 ms apart.
      ESCALATION_MINUTE_MS: '1000', ACTION_RETRY_MS: '200',
      // Every re-send counts as a repeat of the episode (not a copy collapsed within a minute).
      ALERT_DEDUP_WINDOW_MS: '200',
    },
  });
  const [promPort, amPort] = [await freePort(), await freePort()];
  const cfg = t.app.settings.configDir;
  const amFile = join(cfg, 'alertmanager', 'am', instanceDirName(`127.0.0.1:${amPort}`), 'alertmanager.yml');
  const promFile = join(cfg, 'main', instanceDirName(`127.0.0.1:${promPort}`), 'prometheus.yml');
  await writeFileDeep(amFile, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  await writeFileDeep(promFile, 'scrape_configs: []\n');
  am = await startAlertmanager(amFile, amPort);
  prom = await startPrometheus(promFile, promPort);
});
after(async () => {
  await prom?.stop();
  await am?.stop();
  await t?.close();
  await feishu?.close();
  endpoint?.close();
});

const ok = async (method: string, path: string, body?: unknown) => {
  const r = await t.api(method, path, body);
  assert.ok(r.status < 300, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const cardText = (m: SandboxMessage): string => JSON.stringify(m.content);

test('auto actions run once per episode, one at a time, retried then reported; a button runs once per editor click', { timeout: 240_000 }, async () => {
  const eve = await ok('POST', '/api/v1/users', { name: 'eve', role: 'editor', feishuOpenId: 'ou_eve' });
  await ok('POST', '/api/v1/users', { name: 'vic', role: 'viewer', feishuOpenId: 'ou_vic' });
  // Alertmanager sends the firing alert again every second: each repeat must not run anything again.
  const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am', instances: [am.address], groupWait: '0s', groupInterval: '1s', repeatInterval: '1s' });
  const group = await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id, feishuChatId: CHAT, notifyOncallPrivate: false });
  const pool = await ok('POST', '/api/v1/pools', { name: 'main', instances: [prom.address], alertmanagerClusterId: cluster.id, evaluationInterval: '1s' });
  const rule = await ok('POST', '/api/v1/alert-rules', {
    poolId: pool.id, sendGroupId: group.id, name: 'NginxDown', expr: 'label_replace(vector(1), "instance", "web-1:80", "", "") > 0', severity: 'critical',
  });

  // Refused at save time: a template error, a non-http scheme.
  const bad = await t.api('POST', '/api/v1/actions', { name: 'bad', url: `${target}/x`, body: '{{ .Labels.instance ' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'validation_failed');
  assert.equal(bad.body.error.details[0].path, 'body');
  assert.equal((await t.api('POST', '/api/v1/actions', { name: 'bad', url: 'file:///etc/passwd' })).status, 400);

  const restart = await ok('POST', '/api/v1/actions', {
    name: 'restart-nginx', url: `${target}/ok/restart?host={{ urlquery .Labels.instance }}`, secret: SECRET, headers: { Authorization: 'Bearer awx-token' },
    body: '{"extra_vars": {"host": {{ json .Labels.instance }}, "alert": {{ json .Labels.alertname }}}}',
    triggers: [{ ruleId: rule.id, mode: 'auto', afterMinutes: 1 }],
  });
  assert.equal(restart.headers.Authorization, '[redacted]');
  assert.equal(restart.secret, '[redacted]');
  await ok('POST', '/api/v1/actions', { name: 'flaky', url: `${target}/fail`, retries: 2, triggers: [{ sendGroupId: group.id, mode: 'auto' }] });
  const drain = await ok('POST', '/api/v1/actions', { name: 'drain', method: 'PUT', url: `${target}/ok/drain/{{ .EventID }}`, triggers: [{ sendGroupId: group.id, mode: 'button' }] });

  const ev = await waitFor('the alert event', async () => t.app.db('alert_events').where({ alertname: 'NginxDown' }).first(), 90_000);
  // Both automatic runs end: restart succeeds, flaky fails after 1 + 2 attempts.
  await waitFor('both automatic runs final', async () => {
    const runs = await t.app.db('remedy_runs').where({ event_id: ev.id, trigger: 'auto' }).whereNotNull('reported_at');
    return runs.length === 2 ? runs : undefined;
  }, 60_000);
  // Alertmanager keeps re-sending the alert meanwhile; give it a few more rounds.
  const repeatsBefore = (await t.app.db('alert_events').where({ id: ev.id }).first()).repeat_count;
  await waitFor('Alertmanager to send the alert again', async () => (await t.app.db('alert_events').where({ id: ev.id }).first()).repeat_count >= repeatsBefore + 2, 30_000);
  await new Promise((r) => setTimeout(r, 1500));

  const restarts = calls('/ok/restart');
  assert.equal(restarts.length, 1, 'exactly one call per episode');
  assert.equal(restarts[0]!.path, '/ok/restart?host=web-1%3A80');
  assert.deepEqual(JSON.parse(restarts[0]!.body), { extra_vars: { host: 'web-1:80', alert: 'NginxDown' } });
  assert.equal(restarts[0]!.headers.authorization, 'Bearer awx-token');
  const ts = Number(restarts[0]!.headers['x-promduty-timestamp']);
  assert.equal(restarts[0]!.headers['x-promduty-sign'], signWebhook(SECRET, ts), 'signed as Feishu custom bots are');
  assert.ok(restarts[0]!.start >= ev.starts_at.getTime() + 1000, 'ran only after the alert was still firing a "minute" later');
  assert.equal(calls('/fail').length, 3, 'the failing endpoint: one call and two retries, then no more');
  const sameAlert = [...restarts, ...calls('/fail')].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sameAlert.length; i++) assert.ok(sameAlert[i]!.start >= sameAlert[i - 1]!.end, 'never two calls at once for one alert');
  const attemptsOfFlaky = calls('/fail').map((l) => l.headers['x-promduty-attempt']);
  assert.deepEqual(attemptsOfFlaky, ['1', '2', '3']);
  assert.equal(new Set(calls('/fail').map((l) => l.headers['idempotency-key'])).size, 1, 'the attempts of one run share its idempotency key');

  // The thread: both results as replies under the alert's card (Alertmanager's 1 s repeat interval
  // re-posts the card, so under whichever copy was current), then the timeline and the audit log.
  const alertCards = () => new Set(feishu.messagesFor(CHAT).filter((m) => !m.parent_id && cardText(m).includes('NginxDown')).map((m) => m.message_id));
  const results = () => feishu.messages().filter((m) => m.parent_id && alertCards().has(m.parent_id) && cardText(m).includes('Action '));
  await feishu.waitFor(() => results().length >= 2);
  const replies = results().map(cardText);
  assert.ok(replies.some((r) => r.includes('Action succeeded: restart-nginx') && r.includes('HTTP **201**') && r.includes('queued')), replies.join('\n'));
  assert.ok(replies.some((r) => r.includes('Action failed: flaky') && r.includes('3 attempts') && r.includes('boom: the job template is locked')), replies.join('\n'));
  assert.equal(replies.filter((r) => r.includes('Action failed: flaky')).length, 1, 'the failure is reported once');
  assert.equal(feishu.messages().filter((m) => cardText(m).includes('Action ')).length, 2, 'nothing else posted about the runs');
  const timeline = await t.app.db('event_timeline').where({ event_id: ev.id, kind: 'action' });
  assert.equal(timeline.length, 2);
  assert.equal((await t.app.db('audit_log').where({ entity: 'action', action: 'run' })).length, 2);
  const audited = JSON.stringify(await t.app.db('audit_log').where({ entity: 'action' }));
  assert.ok(!audited.includes('awx-token') && !audited.includes(SECRET), 'no secret in the audit log');

  // The button: on the card (the card is re-rendered with it), refused for a viewer, once per editor click.
  const alertCard = feishu.messagesFor(CHAT).filter((m) => !m.parent_id && cardText(m).includes('NginxDown')).at(-1)!;
  assert.ok(cardText(alertCard).includes('Run: drain'));
  const caller = new FeishuCaller(t.url, { appId: APP.appId, ...KEYS });
  const value = { a: 'remedy', e: ev.id, x: drain.id };
  const refused = await caller.click('ou_vic', alertCard.message_id, CHAT, { tag: 'button', value });
  assert.equal(refused.body.toast.type, 'error');
  assert.match(refused.body.toast.content, /editor role/);
  for (let i = 0; i < 2; i++) {
    const r = await caller.click('ou_eve', alertCard.message_id, CHAT, { tag: 'button', value });
    assert.equal(r.body.toast.type, 'success', JSON.stringify(r.body));
  }
  await waitFor('two button runs', async () => calls('/ok/drain').length === 2 || undefined, 30_000);
  await waitFor('both reported', async () => (await t.app.db('remedy_runs').where({ trigger: 'button' }).whereNotNull('reported_at')).length === 2 || undefined);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(calls('/ok/drain').length, 2, 'one call per click, none for the viewer');
  assert.equal(calls('/ok/drain')[0]!.path, `/ok/drain/${ev.id}`);
  assert.equal(calls('/ok/drain')[0]!.headers['x-promduty-sign'], undefined, 'no secret, no signature');
  const buttonRuns = await t.app.db('remedy_runs').where({ trigger: 'button' });
  assert.deepEqual(buttonRuns.map((r: any) => [r.state, r.requested_by]), [['succeeded', eve.id], ['succeeded', eve.id]]);
  await feishu.waitFor(() => results().filter((m) => cardText(m).includes('run by eve')).length === 2);
});
