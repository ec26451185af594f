import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cards, sendGroup, settled, startAlertApp, templateOf, textOf, titleOf, WEBHOOK_TOKEN, type AlertTestApp } from '../support/alerts';
import { startAlertmanager, waitFor, type RunningProcess } from '../support/processes';

const MINUTE = 300;

/** Two independent Alertmanagers (no cluster between them) sending to promduty: the HA worst case. */
describe('e2e: real Alertmanagers → promduty → Feishu', () => {
  let a: AlertTestApp;
  let dir: string;
  const ams: RunningProcess[] = [];
  let sg: { id: number; chat: string };

  before(async () => {
    a = await startAlertApp({ env: { ESCALATION_MINUTE_MS: String(MINUTE) } });
    sg = await sendGroup(a, 'e2e', { escalation: { enabled: true, levels: [{ afterMinutes: 2, userIds: [a.users.bob] }] } });
    dir = await mkdtemp(join(tmpdir(), 'pd-am-e2e-'));
    const config = join(dir, 'alertmanager.yml');
    await writeFile(
      config,
      [
        'route:',
        '  receiver: promduty',
        "  group_by: ['alertname', 'instance']",
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: promduty',
        '    webhook_configs:',
        `      - url: ${a.t.url}/api/v1/alerts/webhook`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        `            credentials: ${WEBHOOK_TOKEN}`,
        '',
      ].join('\n'),
    );
    ams.push(await startAlertmanager(config), await startAlertmanager(config));
  });
  after(async () => {
    await Promise.all(ams.map((p) => p.stop()));
    await a.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Prometheus' part: the same alert to every Alertmanager. */
  const postAlert = async (endsAt: Date) => {
    const alert = {
      labels: { alertname: 'ApiDown', instance: 'api-1:8080', severity: 'critical', send_group: String(sg.id) },
      annotations: { summary: 'api-1 is down', description_value: '0' },
      startsAt: '2026-01-05T01:00:00Z',
      endsAt: endsAt.toISOString(),
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up%3D%3D0',
    };
    for (const am of ams) {
      const r = await fetch(`http://${am.address}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) });
      assert.equal(r.status, 200, await r.text());
    }
  };

  test('card @ on-call, private card, escalation after its delay, resolved update; the second Alertmanager changes nothing', async () => {
    await postAlert(new Date(Date.now() + 3_600_000));
    await a.feishu.waitFor(() => cards(a.feishu, sg.chat).length === 1 && cards(a.feishu, 'ou_alice').length === 1);
    const [card] = cards(a.feishu, sg.chat);
    assert.equal(titleOf(card!), 'ApiDown');
    assert.equal(templateOf(card!), 'red');
    assert.match(textOf(card!), /<at id=ou_alice><\/at>/);
    assert.match(textOf(cards(a.feishu, 'ou_alice')[0]!), /api-1 is down/);

    await a.feishu.waitFor(() => cards(a.feishu, 'ou_bob').some((m) => titleOf(m) === 'Escalated: ApiDown'));
    const [e] = await a.t.app.db('alert_events');
    assert.ok(cards(a.feishu, 'ou_bob')[0]!.created_at - e.first_seen_at.getTime() >= 2 * MINUTE);
    await a.feishu.waitFor(() => a.feishu.messagesFor(sg.chat).some((m) => m.parent_id === card!.message_id && /ou_bob/.test(textOf(m))));

    await postAlert(new Date(Date.now() - 1000));
    await a.feishu.waitFor(() => templateOf(cards(a.feishu, sg.chat)[0]!) === 'green');
    await a.feishu.waitFor(() => a.feishu.messagesFor(sg.chat).some((m) => m.parent_id === card!.message_id && /of this group resolved after/.test(JSON.stringify(m.content ?? ''))));

    // Both Alertmanagers sent both notifications: wait for the second one's copies (however
    // late), then for everything they queued.
    const webhooks = async (outcome: string) =>
      Number(new RegExp(`promduty_alert_webhooks_total\\{outcome="${outcome}"\\} (\\d+)`).exec((await a.t.api('GET', '/metrics')).body as string)?.[1] ?? 0);
    await waitFor("the second Alertmanager's copies, collapsed as duplicates", async () => (await webhooks('duplicate')) >= 2);
    await settled(a.t);
    assert.equal((await a.t.app.db('alert_events')).length, 1);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
    assert.equal(cards(a.feishu, 'ou_alice').length, 1);
    assert.equal(cards(a.feishu, 'ou_bob').length, 1);
    const replies = a.feishu.messagesFor(sg.chat).filter((m) => m.parent_id);
    assert.equal(replies.length, 2, 'one escalation notice, one resolved reply');
    assert.equal(await webhooks('accepted'), 2, 'firing and resolved, once each');
  });
});
