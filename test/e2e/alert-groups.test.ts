import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeishuServer, type SandboxMessage } from '../../src/sandbox/feishu-server';
import { settled, WEBHOOK_TOKEN } from '../support/alerts';
import { startTestApp, type TestApp } from '../support/app';
import { FeishuCaller } from '../support/feishu-callbacks';
import { startAlertmanager, waitFor, type RunningProcess } from '../support/processes';

const APP = { appId: 'cli_groups', appSecret: 'groups-secret' };
const KEYS = { encryptKey: 'groups-encrypt-key', verificationToken: 'groups-verification' };
const CHAT = 'oc_storm';
/** One escalation "minute" in milliseconds: the level below is due 1 minute after the group fired. */
const MINUTE = 1500;

const interactive = (f: FeishuServer, to: string): SandboxMessage[] => f.messagesFor(to).filter((m) => m.msg_type === 'interactive');
const top = (f: FeishuServer, to: string) => interactive(f, to).filter((m) => !m.parent_id);
const title = (m: SandboxMessage): string => m.content?.header?.title?.content ?? '';

/**
 * Issue 15's storm on the real thing: 200 alerts of one rule across 40 instances reach a real
 * Alertmanager (group_by [alertname]), which sends them to promduty as one group; promduty
 * posts one card per chat, escalates the group once, and the card's buttons act on all 200.
 */
describe('e2e: alert groups (real Alertmanager → promduty → local Feishu)', () => {
  let t: TestApp;
  let feishu: FeishuServer;
  let am: RunningProcess;
  let dir: string;
  let caller: FeishuCaller;
  let group: { id: number; lead: number };
  const ids = {} as Record<'ada' | 'bob' | 'sendGroup', number>;

  const amAlerts = async (endsAt: Date | null) => {
    const alerts = Array.from({ length: 200 }, (_, i) => ({
      labels: { alertname: 'CpuStorm', instance: `10.0.0.${i % 40}:9100`, cpu: String(Math.floor(i / 40)), severity: 'critical', send_group: String(ids.sendGroup), rule_id: '999' },
      annotations: { summary: 'CPU is saturated', runbook_url: 'https://runbooks.example/cpu' },
      startsAt: '2026-01-05T01:00:00Z',
      ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
      generatorURL: 'http://prom-7f9c:9090/graph?g0.expr=cpu',
    }));
    const r = await fetch(`http://${am.address}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    assert.equal(r.status, 200, await r.text());
  };

  before(async () => {
    feishu = await FeishuServer.start(APP);
    dir = await mkdtemp(join(tmpdir(), 'pd-groups-'));
    t = await startTestApp({
      env: {
        FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret,
        FEISHU_ENCRYPT_KEY: KEYS.encryptKey, FEISHU_VERIFICATION_TOKEN: KEYS.verificationToken, ESCALATION_MINUTE_MS: String(MINUTE),
      },
    });
    caller = new FeishuCaller(t.url, { appId: APP.appId, ...KEYS });
    await writeFile(
      join(dir, 'am.yml'),
      [
        'route:', '  receiver: promduty', "  group_by: ['alertname']", '  group_wait: 1s', '  group_interval: 1s', '  repeat_interval: 1h',
        'receivers:', '  - name: promduty', '    webhook_configs:', `      - url: ${t.url}/api/v1/alerts/webhook`, '        send_resolved: true',
        '        http_config:', '          authorization:', `            credentials: ${WEBHOOK_TOKEN}`, '',
      ].join('\n'),
    );
    am = await startAlertmanager(join(dir, 'am.yml'));
    const created = async (path: string, body: object): Promise<number> => {
      const r = await t.api('POST', path, body);
      assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
      return r.body.id;
    };
    ids.ada = await created('/api/v1/users', { name: 'ada', role: 'editor', feishuOpenId: 'ou_ada' });
    ids.bob = await created('/api/v1/users', { name: 'bob', feishuOpenId: 'ou_bob' });
    const oncall = await created('/api/v1/oncall-groups', { name: 'ops', members: [ids.ada], startDate: '2025-01-01' });
    const cluster = await created('/api/v1/alertmanager-clusters', { name: 'am', instances: [am.address] });
    ids.sendGroup = await created('/api/v1/send-groups', {
      name: 'storm', alertmanagerClusterId: cluster, oncallGroupId: oncall, feishuChatId: CHAT, notifyOncallPrivate: true,
      escalation: { enabled: true, levels: [{ afterMinutes: 1, userIds: [ids.bob] }] },
    });
  });
  after(async () => {
    await t?.close();
    await am?.stop();
    await feishu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('200 alerts of one Alertmanager group: one card per chat (and one private copy) listing the differing labels', async () => {
    await amAlerts(null);
    await waitFor('200 events', async () => Number((await t.app.db('alert_events').count({ n: '*' }).first())?.n) === 200 || undefined);
    await settled(t);
    const g = await t.app.db('alert_groups').first();
    group = { id: g.id, lead: g.lead_event_id };
    assert.equal(await t.app.db('alert_events').where({ group_id: g.id }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 200);
    await feishu.waitFor(() => top(feishu, CHAT).length >= 1 && top(feishu, 'ou_ada').length >= 1);
    assert.equal(top(feishu, CHAT).length, 1, 'one card in the chat');
    assert.equal(top(feishu, 'ou_ada').length, 1, 'one private copy for the person on call');
    const text = JSON.stringify(top(feishu, CHAT)[0]!.content);
    assert.match(text, /instance: 40 values/);
    assert.match(text, /cpu: 0–4/);
    assert.match(text, /https:\/\/runbooks\.example\/cpu/, 'the runbook is a button');
    assert.doesNotMatch(text, /rule_id|send_group/, 'internal labels are hidden');
    const api = await t.api('GET', `/api/v1/alert-groups/${g.id}`);
    assert.equal(api.status, 200);
    assert.equal(api.body.events.length, 200);
    assert.equal(api.body.events[0].labels.rule_id, '999', 'the API keeps internal labels');
  });

  test('escalation after 1 minute: the escalation user gets one card for the group, the chat one notice', async () => {
    await feishu.waitFor(() => interactive(feishu, 'ou_bob').length >= 1, 20_000);
    await new Promise((r) => setTimeout(r, MINUTE * 2));
    await settled(t, ['alerts', 'delivery', 'notify', 'paging', 'escalation']);
    assert.equal(interactive(feishu, 'ou_bob').length, 1, 'one message to the escalation user');
    const notices = interactive(feishu, CHAT).filter((m) => m.parent_id && /Escalated/.test(title(m)));
    assert.equal(notices.length, 1, 'one escalation notice in the chat');
    assert.match(JSON.stringify(interactive(feishu, 'ou_bob')[0]!.content), /g_ack/, 'the escalation card carries the group actions');
  });

  test('acknowledge all from the card: all 200 events acknowledged', async () => {
    const card = top(feishu, CHAT)[0]!;
    const answer = await caller.click('ou_ada', card.message_id, CHAT, { tag: 'button', value: { a: 'g_ack', i: group.id } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toast.type, 'success', JSON.stringify(answer.body));
    const n = await t.app.db('alert_events').where({ group_id: group.id, claimed_by: ids.ada }).count({ n: '*' }).first();
    assert.equal(Number((n as any).n), 200);
    assert.match(JSON.stringify(answer.body.card), /ACKNOWLEDGED/);
  });

  test('silence the group: one Alertmanager silence on the group labels; the card says who and until when', async () => {
    const card = top(feishu, CHAT)[0]!;
    const answer = await caller.click('ou_ada', card.message_id, CHAT, { tag: 'button', value: { a: 'g_silence', i: group.id }, formValue: { picked: '4h', reason: 'kernel upgrade' } });
    assert.equal(answer.body.toast.type, 'success', JSON.stringify(answer.body));
    const silences = ((await (await fetch(`http://${am.address}/api/v2/silences`)).json()) as any[]).filter((s) => s.status.state === 'active');
    assert.equal(silences.length, 1);
    const m = Object.fromEntries(silences[0].matchers.map((x: any) => [x.name, x.value]));
    assert.equal(m.alertname, 'CpuStorm');
    assert.equal(m.instance, undefined, 'labels that differ are not matched');
    assert.equal(m.cpu, undefined);
    assert.match(silences[0].comment, /kernel upgrade/);
    assert.match(JSON.stringify(answer.body.card), /Silenced by:\*\* ada until/);
  });

  test('resolving all 200 gives one resolve reply', async () => {
    // Alertmanager mutes a silenced group's notifications, its resolution too: lift the silence first.
    for (const s of (await (await fetch(`http://${am.address}/api/v2/silences`)).json()) as any[]) {
      if (s.status.state === 'active') await fetch(`http://${am.address}/api/v2/silence/${s.id}`, { method: 'DELETE' });
    }
    await amAlerts(new Date(Date.now() - 1000));
    await waitFor('the group to close', async () => (await t.app.db('alert_groups').where({ id: group.id }).first())?.status === 'resolved' || undefined);
    await settled(t);
    await feishu.waitFor(() => interactive(feishu, CHAT).some((m) => m.parent_id && /Resolved/.test(title(m))));
    await new Promise((r) => setTimeout(r, 1500));
    await settled(t);
    assert.equal(interactive(feishu, CHAT).filter((m) => m.parent_id && /Resolved/.test(title(m))).length, 1);
    assert.equal(top(feishu, CHAT).length, 1, 'still one card in the chat');
  });
});
