import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Knex } from '../../src/db/knex';
import { createKnex } from '../../src/db/connect';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { APP, webhookBody, WEBHOOK_TOKEN } from '../support/alerts';
import { waitFor, START_PATIENCE_MS } from '../support/processes';
import { postJson, promdutyWorld, type PromdutyProcess, type PromdutyWorld } from '../support/promduty-process';

const GROUPS = 20;
const WEBHOOKS = 240;
const PER_WEBHOOK = 5;
const TOTAL = WEBHOOKS * PER_WEBHOOK;

let feishu: FeishuServer;
let world: PromdutyWorld;
let p: PromdutyProcess;
let db: Knex;

before(async () => {
  feishu = await FeishuServer.start(APP);
  world = promdutyWorld(feishu.url);
  p = await world.start();
  db = createKnex(world.databaseUrl, { min: 0, max: 2 });
}, { timeout: START_PATIENCE_MS + 30_000 });
after(async () => {
  await p?.stop('SIGKILL');
  await db?.destroy();
  await feishu.close();
  await world.drop();
});

const count = async (q: Knex.QueryBuilder): Promise<number> => Number((await q.count({ n: '*' }).first())?.n);

test('SIGKILL in the middle of a batch: after a restart every alert is stored and every card posted exactly once', { timeout: 180_000 }, async (t) => {
  const api = (path: string, body: unknown) => postJson(`${p.url}${path}`, body);
  const alice = (await api('/api/v1/users', { name: 'alice', feishuOpenId: 'ou_alice' })).id;
  const oncallGroupId = (await api('/api/v1/oncall-groups', { name: 'ops', members: [alice], startDate: '2025-01-01' })).id;
  const clusterId = (await api('/api/v1/alertmanager-clusters', { name: 'am' })).id;
  const groups: number[] = [];
  for (let i = 0; i < GROUPS; i++) {
    groups.push((await api('/api/v1/send-groups', { name: `g${i}`, alertmanagerClusterId: clusterId, oncallGroupId, feishuChatId: `oc_crash${i}` })).id);
  }

  // Every notification is in Redis once answered; the worker is still busy when it dies.
  let next = 0;
  const post = async () => {
    for (let w = next++; w < WEBHOOKS; w = next++) {
      const sendGroup = groups[w % GROUPS]!;
      const alerts = Array.from({ length: PER_WEBHOOK }, (_, i) => ({ sendGroup, name: `Crash${w}`, instance: `h${i}:9100` }));
      await postJson(`${p.url}/api/v1/alerts/webhook`, webhookBody(alerts), WEBHOOK_TOKEN);
    }
  };
  await Promise.all(Array.from({ length: 16 }, post));
  // Killed while it is storing: a third of the alerts in.
  await waitFor('a third stored', async () => (await count(db('alert_events'))) >= TOTAL / 3, 60_000, 10);
  await p.stop('SIGKILL');
  const storedAtKill = await count(db('alert_events'));
  const sentAtKill = feishu.messages().length;

  p = await world.start();
  // Jobs the dead worker held come back once their locks expire (BullMQ's stalled check).
  await waitFor(
    'every alert stored and every planned card sent',
    async () =>
      (await count(db('alert_events'))) === TOTAL &&
      (await count(db('alert_event_messages').where('message_id', 'like', 'pending:%').orWhereNull('message_id'))) === 0 &&
      (await count(db('alert_events').whereNull('last_notified_at'))) === 0,
    150_000,
    500,
  );

  // Exactly once: every alert is in an alert group, every group has its chat card and private
  // copy (recorded on one of its events), each naming a message Feishu has, and Feishu has no
  // message the database does not name (no double post).
  const events: Array<{ id: number; group_id: number | null }> = await db('alert_events').select('id', 'group_id');
  assert.ok(events.every((e) => e.group_id !== null), 'every alert is in an alert group');
  const groupOf = new Map(events.map((e) => [e.id, e.group_id!]));
  const rows = await db('alert_event_messages').select('event_id', 'channel', 'message_id');
  const perGroup = new Map<number, string[]>();
  for (const r of rows) perGroup.set(groupOf.get(r.event_id)!, [...(perGroup.get(groupOf.get(r.event_id)!) ?? []), r.channel]);
  assert.equal(perGroup.size, new Set(groupOf.values()).size, 'every alert group has its cards');
  assert.ok([...perGroup.values()].every((c) => c.sort().join() === 'group,private'), 'one chat card and one private copy per group');
  const named = new Set(rows.map((r: any) => String(r.message_id).replace(/^digest:/, '')));
  const posted = feishu.messages().filter((m) => !m.parent_id);
  const unnamed = posted.filter((m) => !named.has(m.message_id));
  assert.deepEqual(unnamed.map((m) => `${m.message_id} ${m.receive_id} ${m.uuid}`), [], `a card nobody recorded: a double post (Feishu has ${posted.length} cards)`);
  const ids = new Set(posted.map((m) => m.message_id));
  assert.ok([...named].every((id) => ids.has(id)), 'every recorded card exists in Feishu');
  assert.ok(storedAtKill < TOTAL || sentAtKill < named.size, `the kill came mid-batch (stored ${storedAtKill}/${TOTAL}, sent ${sentAtKill}/${named.size})`);
  t.diagnostic(`at the kill: ${storedAtKill}/${TOTAL} stored, ${sentAtKill}/${named.size} messages sent`);
});
