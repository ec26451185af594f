/**
 * Alert groups (issue 15):
 *   - stormBench: 10,000 alerts in 100 Alertmanager groups at once into one send group →
 *     group cards and digests in the chat and the on-call person's private chat, how many
 *     sends Feishu would have refused (over 5/s per chat or person, or 50/s per app: the
 *     local server does not refuse, so every send is checked against those limits), and the
 *     time to the first card. promduty runs as a real child process.
 *   - groupCallbackBench: signed, encrypted card callbacks on 200-alert groups (acknowledge
 *     all, then un-acknowledge, alternately), each answered with the re-rendered group card.
 * Alone: `npx tsx bench/groups.ts [storm|callbacks]`.
 */
import { createKnex } from '../src/db/connect';
import { postWebhook, settled, webhookBody } from '../test/support/alerts';
import { CHAT, startChatopsWorld } from '../test/support/chatops-fixture';
import { overLimit, updatesOverLimit } from '../test/support/feishu-limits';
import { waitFor } from '../test/support/processes';
import { benchWorld, bodyMaker, seedGroups, webhookLoad } from './alerts-world';
import { median, quantile, type Figure } from './stats';

const ISSUE = 15;

export async function stormBench(groups = 100, perGroup = 100): Promise<Figure[]> {
  const w = await benchWorld();
  const db = createKnex(w.world.databaseUrl, { min: 0, max: 2 });
  try {
    const p = await w.start({ ROLE: 'all' });
    const [sg] = await seedGroups(p.url, 1, { notifyOncallPrivate: true });
    const body = bodyMaker(perGroup, () => sg!, (n) => `Storm${n}`);
    const t0 = Date.now();
    await webhookLoad(p.url, body, { connections: 8, amount: groups });
    await waitFor('the first card', async () => w.feishu.messages().some((m) => m.msg_type === 'interactive') || undefined, 60_000, 10);
    const first = Math.min(...w.feishu.messages().map((m) => m.created_at)) - t0;
    const total = groups * perGroup;
    await waitFor('every alert stored and notified', async () => {
      const stored = Number((await db('alert_events').count({ n: '*' }).first())?.n);
      const waiting = Number((await db('alert_events').whereNull('last_notified_at').count({ n: '*' }).first())?.n);
      const pending = Number((await db('alert_event_messages').where('message_id', 'like', 'pending:%').count({ n: '*' }).first())?.n);
      return (stored === total && waiting === 0 && pending === 0) || undefined;
    }, 600_000, 200);
    const sent = w.feishu.messages();
    const chat = sent.filter((m) => m.receive_id === 'oc_bench0' && m.msg_type === 'interactive' && !m.parent_id).length;
    const priv = sent.filter((m) => m.receive_id === 'ou_bench0' && m.msg_type === 'interactive').length;
    const updates = w.feishu.calls.filter((c) => c.method === 'PATCH' && !c.path.includes('urgent')).length;
    const note = `${total} alerts in ${groups} Alertmanager groups: ${chat} cards in the chat, ${priv} private, ${updates} card updates`;
    return [
      { issue: ISSUE, name: `storm of ${total} alerts in ${groups} groups: cards in the chat`, value: chat, unit: 'cards', goal: { op: '<=', value: groups }, note },
      { issue: ISSUE, name: `storm of ${total} alerts in ${groups} groups: sends over Feishu's limits`, value: overLimit(sent), unit: 'sends', goal: { op: '<=', value: 0 }, note },
      { issue: ISSUE, name: `storm of ${total} alerts in ${groups} groups: card updates over Feishu's limits`, value: updatesOverLimit(w.feishu.calls), unit: 'updates', goal: { op: '<=', value: 0 }, note },
      { issue: ISSUE, name: `storm of ${total} alerts in ${groups} groups: first card`, value: first / 1000, unit: 's', goal: { op: '<=', value: 2 }, note },
    ];
  } finally {
    await db.destroy();
    await w.close();
  }
}

export async function groupCallbackBench(groups = 10, perGroup = 200, callbacks = 200): Promise<Figure[]> {
  const w = await startChatopsWorld();
  try {
    for (let g = 0; g < groups; g++) {
      const r = await postWebhook(w.t, webhookBody(Array.from({ length: perGroup }, (_, i) => ({ name: `Load${g}`, instance: `10.${g}.${i}.1:9100`, sendGroup: w.ids.group }))));
      if (r.status !== 200) throw new Error(`webhook: ${JSON.stringify(r.body)}`);
      // One group per delivery round: groups arriving together fold into a storm digest, and this measures group cards.
      await settled(w.t);
    }
    const cards = await waitFor('a card per group', async () => {
      const leads = await w.t.app.db('alert_groups as g').join('alert_event_messages as m', 'm.event_id', 'g.lead_event_id').where('m.message_id', 'like', 'om\\_%').select('g.id', 'm.message_id');
      return leads.length >= groups ? leads : undefined;
    }, 120_000, 200);
    const samples: number[] = [];
    for (let i = 0; i < callbacks + 10; i++) {
      const c = cards[i % cards.length]!;
      const a = Math.floor(i / cards.length) % 2 ? 'g_unack' : 'g_ack';
      const t0 = performance.now();
      const answer = await w.caller.click('ou_eve', c.message_id, CHAT, { tag: 'button', value: { a, i: c.id } });
      const ms = performance.now() - t0;
      if (answer.status !== 200 || answer.body?.toast?.type !== 'success') throw new Error(`callback failed: ${JSON.stringify(answer.body?.toast ?? answer)}`);
      if (i >= 10) samples.push(ms);
    }
    const note = `${callbacks} callbacks on ${groups} groups of ${perGroup} alerts, acknowledge all / un-acknowledge`;
    return [
      { issue: ISSUE, name: `card callback on a ${perGroup}-alert group, p50`, value: median(samples), unit: 'ms', note },
      { issue: ISSUE, name: `card callback on a ${perGroup}-alert group, p99`, value: quantile(samples, 0.99), unit: 'ms', goal: { op: '<=', value: 300 }, note },
    ];
  } finally {
    await w.close();
  }
}

export async function groupsBench(): Promise<Figure[]> {
  return [...(await groupCallbackBench()), ...(await stormBench())];
}

if (require.main === module) {
  const only = process.argv[2];
  const runs: Record<string, () => Promise<Figure[]>> = { storm: () => stormBench(), callbacks: () => groupCallbackBench() };
  (only ? runs[only]!() : groupsBench()).then(
    (figures) => {
      for (const f of figures) process.stdout.write(`${f.name}: ${f.value.toFixed(2)} ${f.unit}${f.note ? ` (${f.note})` : ''}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${String((e as Error)?.stack ?? e)}\n`);
      process.exit(1);
    },
  );
}
