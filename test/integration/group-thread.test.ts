import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeishuCaller } from '../support/feishu-callbacks';
import { waitFor } from '../support/processes';
import { APP, cards, postWebhook, sendGroup, settled, startAlertApp, textOf, webhookBody, type AlertTestApp } from '../support/alerts';

const KEYS = { encryptKey: 'remedy-group-key', verificationToken: 'remedy-group-token' };

/**
 * Issue 15: the alerts of a group ride on the group's one card (its outbox rows are on the
 * lead event), so what is said about any alert of the group, not only the first, goes in
 * that card's thread: action results (issue 18), claim notices.
 */
describe("what is said about an alert of a group goes in the group card's thread", () => {
  let a: AlertTestApp;
  let endpoint: Server;
  let target = '';
  const paths: string[] = [];
  before(async () => {
    endpoint = createServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}'));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    a = await startAlertApp({ env: { ACTION_RETRY_MS: '200', FEISHU_ENCRYPT_KEY: KEYS.encryptKey, FEISHU_VERIFICATION_TOKEN: KEYS.verificationToken } });
  });
  const caller = () => new FeishuCaller(a.t.url, { appId: APP.appId, ...KEYS });
  after(async () => {
    await a?.close();
    endpoint?.close();
  });

  test('automatic runs for every alert of the group (due at once, before the card is out) and /actions run for its second alert: each result a reply under the group card', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'remedy_group', { notifyOncallPrivate: false, paging: {} });
    const db = a.t.app.db;
    const created = await a.t.api('POST', '/api/v1/actions', { name: 'restart', url: `${target}/restart/{{ .EventID }}`, triggers: [{ sendGroupId: sg.id, mode: 'auto' }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const actionId = created.body.id as number;

    await postWebhook(a.t, webhookBody([0, 1, 2].map((i) => ({ sendGroup: sg.id, name: 'WebDown', instance: `10.8.0.${i}:80` }))));
    await settled(a.t);
    const events = await db('alert_events').where({ send_group_id: sg.id }).orderBy('id').select('id', 'group_id');
    assert.equal(events.length, 3);
    assert.equal(new Set(events.map((e: any) => e.group_id)).size, 1, 'one alert group');
    const [groupCard, ...others] = cards(a.feishu, sg.chat).filter((m) => !m.parent_id);
    assert.ok(groupCard, 'the group card');
    assert.equal(others.length, 0, `one card for the group: ${cards(a.feishu, sg.chat).map((m) => textOf(m).slice(0, 300)).join("\n")}`);

    // The group card offers its first firing alert's actions; another alert's run is asked by command.
    const second = events[1]!.id as number;
    assert.equal((await a.t.api('POST', '/api/v1/users', { name: 'eve', role: 'editor', feishuOpenId: 'ou_eve' })).status, 201);
    const said = await caller().say('ou_eve', `/actions run restart ${second}`, { chatId: sg.chat, chatType: 'group' });
    assert.equal(said.status, 200);
    const reported = async () => {
      const runs = await db('remedy_runs').where({ action_id: actionId }).whereNotNull('reported_at');
      return runs.length === 4 ? runs : undefined;
    };
    const runs = await waitFor('three automatic runs and the requested one reported', reported, 30_000);
    assert.deepEqual(runs.map((r: any) => r.state), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual([...paths].sort(), [...events.map((e: any) => `/restart/${e.id}`), `/restart/${second}`].sort());

    await a.feishu.waitFor((all) => all.filter((m) => textOf(m).includes('restart')).length >= 4);
    const results = a.feishu.messagesFor(sg.chat).filter((m) => textOf(m).includes('Action succeeded: restart'));
    assert.equal(results.length, 4, results.map(textOf).join('\n'));
    for (const r of results) assert.equal(r.parent_id, groupCard.message_id, `a reply in the group card's thread: ${textOf(r).slice(0, 200)}`);
    for (const e of events) assert.ok(results.some((r) => textOf(r).includes(`#${e.id}`)), `the result for alert #${e.id} names it`);
  });

  test('/claim of the third alert of a group: the notice is a reply under the group card', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'claim_group', { notifyOncallPrivate: false, paging: {} });
    await postWebhook(a.t, webhookBody([0, 1, 2].map((i) => ({ sendGroup: sg.id, name: 'DbSlow', instance: `10.8.1.${i}:3306` }))));
    await settled(a.t);
    const third = (await a.t.app.db('alert_events').where({ send_group_id: sg.id }).orderBy('id').pluck('id'))[2] as number;
    const [groupCard] = cards(a.feishu, sg.chat).filter((m) => !m.parent_id);
    assert.ok(groupCard);
    await a.t.api('POST', '/api/v1/users', { name: 'ivy', role: 'editor', feishuOpenId: 'ou_ivy' });
    assert.equal((await caller().say('ou_ivy', `/claim ${third}`, { chatId: sg.chat, chatType: 'group' })).status, 200);
    const notice = (m: { content?: unknown }) => new RegExp(`ivy claimed (#|&#35;)${third} DbSlow`).test(JSON.stringify(m.content ?? ''));
    await a.feishu.waitFor((all) => all.some(notice));
    const said = a.feishu.messages().filter(notice);
    assert.equal(said.length, 1);
    assert.equal(said[0]!.parent_id, groupCard.message_id, `under the group card, not a card of its own: ${JSON.stringify(said[0]!.content).slice(0, 200)}`);
  });
});
