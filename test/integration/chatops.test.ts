import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptBody } from '../../src/sandbox/callbacks';
import { escalationQueue, postWebhook, runEscalationNow, webhookBody } from '../support/alerts';
import { CHAT, CHATOPS_KEYS as KEYS, DEAD_CHAT as OTHER_CHAT, startChatopsWorld, type ChatopsWorld } from '../support/chatops-fixture';

describe('ChatOps over signed, encrypted Feishu callbacks with a real Alertmanager', () => {
  let w: ChatopsWorld;
  const ids = {} as Record<'ada' | 'eve' | 'vic' | 'group' | 'deadGroup' | 'pool' | 'rule', number>;

  const db = () => w.t.app.db;
  const event = async (id: number) => db()('alert_events').where({ id }).first();
  const timeline = async (id: number) => db()('event_timeline').where({ event_id: id }).orderBy('id');
  const replies = (chat = CHAT) => w.feishu.messagesFor(chat).filter((m) => m.via === 'app');
  const titleOf = (m: { content: any }) => String(m.content?.header?.title?.content ?? '');

  before(async () => {
    // One escalation "minute" is half a second here.
    w = await startChatopsWorld({ ESCALATION_MINUTE_MS: '500' });
    Object.assign(ids, w.ids);
    const pool = await w.t.api('POST', '/api/v1/pools', { name: 'main-pool', instances: [] });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    const rule = await w.t.api('POST', '/api/v1/alert-rules', { poolId: pool.body.id, sendGroupId: ids.group, name: 'HighCPU', expr: 'up == 0' });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const oncall = await w.t.api('POST', '/api/v1/oncall-groups', { name: 'sre', members: [ids.ada, ids.eve], startDate: '2026-01-05', handoffTime: '10:00' });
    assert.equal(oncall.status, 201, JSON.stringify(oncall.body));
    Object.assign(ids, { pool: pool.body.id, rule: rule.body.id });
  });
  after(() => w?.close());

  test('the url_verification challenge (encrypted, unsigned, as Feishu sends it) is answered', async () => {
    const body = JSON.stringify({ encrypt: encryptBody(KEYS.encryptKey, JSON.stringify({ challenge: 'ch-1', token: KEYS.verificationToken, type: 'url_verification' })) });
    const res = await fetch(`${w.t.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.deepEqual([res.status, await res.json()], [200, { challenge: 'ch-1' }]);
  });

  test('Claim: claimed in the database, escalation cancelled, card updated everywhere, group told, audited', async () => {
    const ev = await w.firingEvent('DiskFull', { instance: 'db1:9100' });
    const answer = await w.caller.click('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'claim', e: ev.id } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.toast, { type: 'success', content: `Claimed #${ev.id} DiskFull` });
    assert.equal(answer.body.card.type, 'raw');
    assert.match(answer.body.card.data.header.subtitle.content, /claimed by eve/);

    const row = await event(ev.id);
    assert.equal(row.claimed_by, ids.eve);
    assert.equal(row.escalation_id, null, 'the pending escalation timer is now stale');
    assert.deepEqual((await timeline(ev.id)).map((r: any) => [r.kind, r.actor, r.actor_user_id]), [['claimed', 'eve', ids.eve]]);
    const audit = await db()('audit_log').where({ entity: 'alert_event', entity_id: String(ev.id) });
    assert.deepEqual(audit.map((a: any) => [a.action, a.actor, a.actor_user_id]), [['claim', 'eve', ids.eve]]);

    await w.feishu.waitFor(() => replies().some((m) => m.parent_id === ev.messageId && m.content?.text === `eve claimed #${ev.id} DiskFull`));
    await w.feishu.waitFor(() => JSON.stringify(w.feishu.messages().find((m) => m.message_id === ev.messageId)?.content).includes('claimed by eve'));

    const again = await w.caller.click('ou_ada', ev.messageId, CHAT, { tag: 'button', value: { a: 'claim', e: ev.id } });
    assert.deepEqual(again.body.toast, { type: 'error', content: `#${ev.id} is already claimed by eve` });
  });

  test('Acknowledge all on a real group card stops the group\'s escalation and records the claim MTTA reads; an unacknowledged group escalates', async () => {
    const esc = await w.t.api('POST', '/api/v1/send-groups', {
      name: 'escalating',
      alertmanagerClusterId: (await db()('send_groups').where({ id: ids.group }).first()).alertmanager_cluster_id,
      feishuChatId: 'oc_escalating',
      // An hour (30 s): the click below always comes first, however slow the machine; then both
      // timers are run at once.
      escalation: { enabled: true, levels: [{ afterMinutes: 60, userIds: [ids.ada] }] },
    });
    assert.equal(esc.status, 201, JSON.stringify(esc.body));
    const cardOf = async (name: string) => {
      await w.feishu.waitFor(() => replies('oc_escalating').some((m) => titleOf(m) === name));
      const m = replies('oc_escalating').find((x) => titleOf(x) === name)!;
      return { messageId: m.message_id, event: await db()('alert_events').where({ alertname: name }).first<any>() };
    };
    const groupOf = (e: any) => db()('alert_groups').where({ id: e.group_id }).first<any>();
    assert.equal((await postWebhook(w.t, webhookBody([{ name: 'LeftAlone', sendGroup: esc.body.id }]))).status, 200);
    assert.equal((await postWebhook(w.t, webhookBody([{ name: 'Claimed', sendGroup: esc.body.id }]))).status, 200);
    const [alone, claimed] = [await cardOf('LeftAlone'), await cardOf('Claimed')];
    const [aloneGroup, claimedGroup] = [await groupOf(alone.event), await groupOf(claimed.event)];
    assert.ok(claimedGroup.escalation_id, 'an escalation is pending');
    const answer = await w.caller.click('ou_eve', claimed.messageId, 'oc_escalating', { tag: 'button', value: { a: 'g_ack', i: claimedGroup.id } });
    assert.equal(answer.body.toast.type, 'success');
    assert.equal((await groupOf(claimed.event)).escalation_id, null);
    assert.notEqual((await event(claimed.event.id)).claimed_by, null, 'the group\'s alert is claimed');
    const claims = await db()('event_timeline').where({ event_id: claimed.event.id, kind: 'claimed' });
    assert.equal(claims.length, 1, "the alert's own timeline has the claim (the stats' time to acknowledge reads it)");

    const timers = escalationQueue(w.t);
    const pastDue = (g: any) => runEscalationNow(timers, { id: g.lead_event_id, groupId: g.id, escalation_id: g.escalation_id });
    try {
      await pastDue(claimedGroup);
      await pastDue(aloneGroup);
    } finally {
      await timers.close();
    }
    const escalated = (name: string) => w.feishu.messagesFor('ou_ada').some((m) => JSON.stringify(m.content).includes(name));
    await w.feishu.waitFor(() => escalated('LeftAlone'));
    assert.equal(escalated('Claimed'), false, 'no escalation message for the acknowledged group');
    assert.equal((await groupOf(claimed.event)).escalation_level, 0);
    assert.equal((await groupOf(alone.event)).escalation_level, 1);
  });

  test('Silence and Unsilence: a real Alertmanager silence with the labels as matchers, then expired', async () => {
    const ev = await w.firingEvent('HighLatency', { instance: 'web1:443', job: 'web' });
    const before = Date.now();
    const answer = await w.caller.click('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'silence', e: ev.id, d: '1h' } });
    assert.deepEqual(answer.body.toast, { type: 'success', content: `Silenced #${ev.id} HighLatency for 1h` });
    const row = await event(ev.id);
    const s = (await w.silences()).find((x) => x.id === row.silence_id);
    assert.ok(s, 'the recorded silence exists in Alertmanager');
    assert.equal(s.status.state, 'active');
    assert.deepEqual(
      s.matchers.map((m) => [m.name, m.value, m.isEqual, m.isRegex]).sort(),
      [['alertname', 'HighLatency', true, false], ['instance', 'web1:443', true, false], ['job', 'web', true, false]],
    );
    const ends = new Date(s.endsAt).getTime();
    assert.ok(ends >= before + 3600_000 - 1000 && ends <= Date.now() + 3600_000 + 1000, s.endsAt);
    assert.equal(Math.abs(new Date(row.silenced_until).getTime() - ends) < 1000, true);
    assert.equal(s.createdBy, 'eve');
    assert.match(s.comment, new RegExp(`#${ev.id}`));
    assert.equal(row.escalation_id, null);

    const off = await w.caller.click('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'unsilence', e: ev.id } });
    assert.equal(off.body.toast.type, 'success');
    assert.equal((await w.silences()).find((x) => x.id === s.id)?.status.state, 'expired');
    const after = await event(ev.id);
    assert.deepEqual([after.silence_id, after.silenced_until], [null, null]);
    assert.deepEqual((await timeline(ev.id)).map((r: any) => r.kind), ['silenced', 'unsilenced']);
  });

  test('Silence this alertname (select option): one alertname matcher; every firing event of that name records it', async () => {
    const a = await w.firingEvent('NodeDown', { instance: 'n1' });
    const b = await w.firingEvent('NodeDown', { instance: 'n2' });
    const answer = await w.caller.click('ou_eve', a.messageId, CHAT, { tag: 'select_static', value: { a: 'silence_alertname', e: a.id }, option: '30m' });
    assert.equal(answer.body.toast.type, 'success', JSON.stringify(answer.body));
    const [ra, rb] = [await event(a.id), await event(b.id)];
    assert.equal(ra.silence_id, rb.silence_id);
    const s = (await w.silences()).find((x) => x.id === ra.silence_id)!;
    assert.deepEqual(s.matchers.map((m) => [m.name, m.value]), [['alertname', 'NodeDown']]);
  });

  test('when Alertmanager fails: an error toast and nothing recorded', async () => {
    const ev = await w.firingEvent('Unreachable', { instance: 'x' }, true);
    const count = (await w.silences()).length;
    const before = await event(ev.id);
    const answer = await w.caller.click('ou_eve', ev.messageId, OTHER_CHAT, { tag: 'button', value: { a: 'silence', e: ev.id, d: '4h' } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toast.type, 'error');
    assert.match(answer.body.toast.content, /cannot create the silence/);
    assert.deepEqual(await event(ev.id), before);
    assert.equal(before.silence_id, null);
    assert.deepEqual(await timeline(ev.id), []);
    assert.equal((await w.silences()).length, count);
  });

  test('a bad signature, a replayed callback and an unknown user change nothing', async () => {
    const ev = await w.firingEvent('Forged', { instance: 'f1' });
    const audits = async () => (await db()('audit_log').count({ n: '*' }).first())!.n;
    const auditBefore = await audits();
    const claim = w.caller.cardAction('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'claim', e: ev.id } });

    const forged = await w.caller.post('/feishu/cards', claim, (r) => (r.headers['x-lark-signature'] = 'f'.repeat(64)));
    assert.equal(forged.status, 401);
    const swapped = await w.caller.post('/feishu/cards', claim, (r) => (r.body = r.body.replace('"encrypt":"', '"encrypt":"A')));
    assert.equal(swapped.status, 401, 'the signature covers the body');
    const stranger = await w.caller.click('ou_stranger', ev.messageId, CHAT, { tag: 'button', value: { a: 'claim', e: ev.id } });
    assert.match(stranger.body.toast.content, /not registered/);
    const viewer = await w.caller.click('ou_vic', ev.messageId, CHAT, { tag: 'button', value: { a: 'silence', e: ev.id, d: '1h' } });
    assert.match(viewer.body.toast.content, /editor role/);
    assert.equal((await event(ev.id)).claimed_by, null);
    assert.equal(await audits(), auditBefore);

    // The same callback (same event_id) again after undoing its effect: nothing happens.
    const silence = w.caller.cardAction('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'silence', e: ev.id, d: '30m' } });
    assert.equal((await w.caller.post('/feishu/cards', silence)).body.toast.type, 'success');
    await w.caller.click('ou_eve', ev.messageId, CHAT, { tag: 'button', value: { a: 'unsilence', e: ev.id } });
    const count = (await w.silences()).length;
    const replay = await w.caller.post('/feishu/cards', silence);
    assert.deepEqual([replay.status, replay.body], [200, {}]);
    assert.equal((await w.silences()).length, count);
    assert.equal((await event(ev.id)).silence_id, null);
  });

  test('every command answers in the chat it came from; the event callback is acknowledged at once', async () => {
    const ev = await w.firingEvent('CmdAlert', { instance: 'c1' });
    const where = { chatId: CHAT, chatType: 'group' as const };
    const cases: Array<[string, RegExp]> = [
      ['/help', /promduty commands/],
      ['/whoami', /You are eve/],
      ['/oncall', /On call: sre/],
      ['/roster sre 2026-02', /Roster: sre/],
      ['/alerts', /Active alerts/],
      ['/rules CPU', /Alert rules matching "CPU"/],
      [`/rule ${ids.rule}`, new RegExp(`Rule #${ids.rule}: HighCPU`)],
      [`/rule disable ${ids.rule}`, /Disabled 1 rule/],
      ['/pools', /Scrape pools \(1\)/],
      ['/config main-pool', /Config of pool main-pool/],
      [`/claim ${ev.id}`, /Claimed/],
      [`/silence ${ev.id} 2h`, /Silenced/],
      [`/unsilence ${ev.id}`, /Unsilenced/],
      ['/swap sre', /Swap a shift: sre/],
      ['/silence', /That is not quite right/],
      // Chinese aliases through the same signed callback and job queue.
      ['/值班', /On call: sre/],
      ['/排班 sre 2026-02', /Roster: sre/],
    ];
    for (const [text, title] of cases) {
      const started = Date.now();
      const sent = await w.caller.say('ou_eve', text, where);
      assert.deepEqual([sent.status, sent.body], [200, {}], text);
      // Feishu's own deadline: an event not acknowledged within 3 s is sent again.
      assert.ok(Date.now() - started < 3000, `${text} acknowledged in ${Date.now() - started} ms`);
      await w.feishu.waitFor(() => replies().some((m) => title.test(titleOf(m)) && m.uuid?.startsWith('reply-')));
    }
    assert.equal((await w.t.api('GET', `/api/v1/alert-rules/${ids.rule}`)).body.enabled, false);
    assert.deepEqual((await timeline(ev.id)).map((r: any) => r.kind), ['claimed', 'silenced', 'unsilenced']);
  });

  test('saving the rule card with a broken annotation template shows where it breaks and saves nothing', async () => {
    const before = (await w.t.api('GET', `/api/v1/alert-rules/${ids.rule}`)).body;
    const formValue = { expr: 'up == 0', for: '5m', severity: 'warning', labels: '', annotations: 'summary={{ if $value }}high', enabled: 'true' };
    const answer = await w.caller.click('ou_eve', 'om_rule_card', CHAT, { tag: 'button', value: { a: 'rule_save', r: ids.rule }, formValue });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toast.type, 'error');
    const card = JSON.stringify(answer.body.card);
    assert.match(card, /annotations.summary/);
    assert.match(card, /the \{\{if\}\} at line 1, column 4 has no \{\{end\}\}/);
    assert.deepEqual((await w.t.api('GET', `/api/v1/alert-rules/${ids.rule}`)).body, before);
  });

  test('an unknown user is told they are not registered; a replayed message runs once', async () => {
    const ev = await w.firingEvent('StrangerAlert', { instance: 's1' });
    const where = { chatId: 'oc_p2p_stranger', chatType: 'p2p' as const };
    await w.caller.say('ou_stranger', `/claim ${ev.id}`, where);
    await w.feishu.waitFor(() => replies('oc_p2p_stranger').some((m) => JSON.stringify(m.content).includes('not registered')));
    assert.equal((await event(ev.id)).claimed_by, null);

    const p2p = { chatId: 'oc_p2p_eve', chatType: 'p2p' as const };
    const { payload } = w.caller.message('ou_eve', '/whoami', p2p);
    await w.caller.post('/feishu/events', payload);
    await w.caller.post('/feishu/events', payload);
    await w.feishu.waitFor(() => replies('oc_p2p_eve').length === 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(replies('oc_p2p_eve').length, 1);
  });
});
