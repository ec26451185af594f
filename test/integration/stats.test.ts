import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import type { Knex } from '../../src/db/knex';
import { startTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/processes';
import { chartsOf } from '../support/vchart';

/**
 * /stats on seeded history, on real MariaDB: every figure promduty gives (through the API,
 * the metrics and the weekly digest) equals the same figure computed here with plain SQL.
 * Zones: send group alpha's on-call group is in Asia/Shanghai (+08:00, no DST, so the SQL
 * can use CONVERT_TZ with offsets), beta's in UTC; promduty's TZ is Asia/Shanghai.
 */

// Monday 2025-03-10, 08:00 in Shanghai: just before the weekly digest is due there.
const NOW = new Date('2025-03-10T00:00:00.000Z');
const DAY = 86_400_000;

/** mulberry32: the same history on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface World {
  alpha: number;
  beta: number;
  gamma: number;
}

async function seed(t: TestApp): Promise<World> {
  const post = async (path: string, body: object) => {
    const r = await t.api('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body.id as number;
  };
  const ada = await post('/api/v1/users', { name: 'ada', role: 'editor', feishuOpenId: 'ou_ada' });
  const bob = await post('/api/v1/users', { name: 'bob', role: 'editor', feishuOpenId: 'ou_bob' });
  const cat = await post('/api/v1/users', { name: 'cat', role: 'editor', feishuOpenId: 'ou_cat' });
  const sh = await post('/api/v1/oncall-groups', { name: 'sh', members: [ada, bob], startDate: '2025-01-01', timezone: 'Asia/Shanghai' });
  const utc = await post('/api/v1/oncall-groups', { name: 'utc', members: [cat], startDate: '2025-01-01', timezone: 'UTC' });
  const am = await post('/api/v1/alertmanager-clusters', { name: 'am', instances: ['127.0.0.1:1'] });
  const alpha = await post('/api/v1/send-groups', { name: 'alpha', alertmanagerClusterId: am, oncallGroupId: sh, feishuChatId: 'oc_alpha' });
  const beta = await post('/api/v1/send-groups', { name: 'beta', alertmanagerClusterId: am, oncallGroupId: utc });
  const gamma = await post('/api/v1/send-groups', { name: 'gamma', alertmanagerClusterId: am, feishuChatId: 'oc_gamma' });
  const pool = await post('/api/v1/pools', { name: 'p' });
  const rules: number[] = [];
  for (const name of ['Rule1', 'Rule2', 'Rule3', 'Rule4']) rules.push(await post('/api/v1/alert-rules', { poolId: pool, sendGroupId: alpha, name, expr: 'up == 0' }));

  const r = rng(18);
  const pick = <T>(weighted: [T, number][]): T => {
    let x = r() * weighted.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of weighted) if ((x -= w) < 0) return v;
    return weighted[weighted.length - 1]![0];
  };
  const db: Knex = t.app.db;
  for (let i = 0; i < 400; i++) {
    const group = pick<number | null>([[alpha, 45], [beta, 45], [null, 10]]);
    const rule = pick<number | null>([[rules[0]!, 8], [rules[1]!, 4], [rules[2]!, 2], [rules[3]!, 1], [null, 1.5]]);
    const alertname = rule === null ? 'External' : `Rule${rules.indexOf(rule) + 1}`;
    const fp = `fp${Math.floor(r() * 60)}`;
    const fired = new Date(NOW.getTime() - Math.floor(r() * 40 * DAY));
    const ack = r() < 0.6 ? new Date(fired.getTime() + Math.floor(r() * 1_800_000)) : null;
    let resolved: Date | null = r() < 0.7 ? new Date(fired.getTime() + Math.floor(r() * 3 * 3_600_000)) : null;
    if (resolved && resolved > NOW) resolved = null;
    const [id] = (await db('alert_events').insert({
      fingerprint: i % 9 === 0 ? fp.toUpperCase() : fp,
      starts_at: new Date(fired.getTime() - 60_000),
      alertname,
      rule_id: rule,
      send_group_id: group,
      status: resolved ? 'resolved' : 'firing',
      labels: JSON.stringify({ alertname }),
      first_seen_at: fired,
      last_seen_at: fired,
      resolved_at: resolved,
      claimed_at: ack && ack <= NOW ? ack : null,
    })) as [number];
    if (ack && ack <= NOW) {
      await db('event_timeline').insert({ event_id: id, kind: 'claimed', actor: 'ada', at: ack });
      if (i % 5 === 0) await db('event_timeline').insert({ event_id: id, kind: 'claimed', actor: 'bob', at: new Date(ack.getTime() + 60_000) });
    }
    if (group === null) continue;
    const pages: [string, string, string | null, number][] = [[group === alpha ? 'ou_ada' : 'ou_cat', 'private', 'om_p', 1500]];
    if (r() < 0.3) pages.push(['ou_bob', 'escalation', 'digest:om_e', 15 * 60_000]);
    if (r() < 0.1) pages.push(['ou_bob', 'private', `pending:${group}:u${i}`, 2000]); // not sent yet: no page
    if (r() < 0.05) pages.push(['ou_ada', 'escalation', null, 3000]); // refused for good: no page
    if (r() < 0.05) pages.push(['ou_ghost', 'private', 'om_g', 2500]); // an open_id no user has
    if (r() < 0.2) pages.push(['oc_alpha', 'group', 'om_g', 1000]); // the group card: not a page
    for (const [receive, channel, messageId, after] of pages) {
      const at = new Date(fired.getTime() + after);
      if (at > NOW) continue;
      await db('alert_event_messages').insert({ event_id: id, channel, receive_id: receive, message_id: messageId, created_at: at, updated_at: at });
    }
  }
  return { alpha, beta, gamma };
}

/** The same figures, in SQL alone. `zone` is the window's offset; pages use their send group's. */
async function sqlFigures(db: Knex, w: World, sendGroupId: number | null, days: number, zone: string, to = NOW) {
  const [[{ from }]] = await db.raw(
    `SELECT CONVERT_TZ(TIMESTAMP(DATE(CONVERT_TZ(?, '+00:00', ?)) - INTERVAL ? DAY), ?, '+00:00') AS \`from\``,
    [to, zone, days - 1, zone],
  );
  const scope = `e.first_seen_at >= ? AND e.first_seen_at <= ? AND (? IS NULL OR e.send_group_id = ?)`;
  const bind = [from, to, sendGroupId, sendGroupId];
  const [[sums]] = await db.raw(
    `SELECT COUNT(*) AS alerts, COUNT(a.ack_at) AS acked, AVG(TIMESTAMPDIFF(MICROSECOND, e.first_seen_at, a.ack_at)) / 1e6 AS mtta,
            COUNT(e.resolved_at) AS resolved, AVG(TIMESTAMPDIFF(MICROSECOND, e.first_seen_at, e.resolved_at)) / 1e6 AS mttr
       FROM alert_events e
       LEFT JOIN (SELECT event_id, MIN(at) AS ack_at FROM event_timeline WHERE kind = 'claimed' GROUP BY event_id) a ON a.event_id = e.id
      WHERE ${scope}`,
    bind,
  );
  const [daily] = await db.raw(
    `SELECT DATE_FORMAT(CONVERT_TZ(e.first_seen_at, '+00:00', ?), '%Y-%m-%d') AS day, COUNT(*) AS n FROM alert_events e WHERE ${scope} GROUP BY day`,
    [zone, ...bind],
  );
  const local = `CONVERT_TZ(m.created_at, '+00:00', IF(e.send_group_id = ?, '+00:00', '+08:00'))`;
  const [people] = await db.raw(
    `SELECT COALESCE(u.name, m.receive_id) AS name, COUNT(*) AS pages,
            SUM(WEEKDAY(${local}) >= 5 OR TIME(${local}) < '09:00:00' OR TIME(${local}) >= '18:00:00') AS after_hours
       FROM alert_event_messages m JOIN alert_events e ON e.id = m.event_id LEFT JOIN users u ON u.feishu_open_id = m.receive_id
      WHERE ${scope} AND m.channel IN ('private', 'escalation') AND m.message_id IS NOT NULL AND m.message_id NOT LIKE 'pending:%'
        AND m.created_at >= ? AND m.created_at <= ?
      GROUP BY name ORDER BY name`,
    [w.beta, w.beta, w.beta, ...bind, from, to],
  );
  const [rules] = await db.raw(
    `SELECT e.rule_id, MIN(e.alertname) AS name, COUNT(*) AS n FROM alert_events e WHERE ${scope}
      GROUP BY e.rule_id, IF(e.rule_id IS NULL, e.alertname, '') ORDER BY n DESC, name LIMIT 5`,
    bind,
  );
  const [flapping] = await db.raw(
    `SELECT LOWER(e.fingerprint) AS fp, COUNT(*) AS n FROM alert_events e WHERE ${scope} GROUP BY fp HAVING n >= 3 ORDER BY n DESC`,
    bind,
  );
  return { from: new Date(from), sums, daily: new Map(daily.map((d: any) => [d.day, Number(d.n)])), people, rules, flapping };
}

const close = (a: number | null, b: unknown, what: string) => {
  assert.ok(a !== null && b !== null && Math.abs(a - Number(b)) < 0.002, `${what}: promduty ${a}, SQL ${String(b)}`);
};

describe('/stats on seeded history matches plain SQL', () => {
  let t: TestApp;
  let w: World;
  const clock = new ManualClock(NOW);

  before(async () => {
    t = await startTestApp({ clock });
    w = await seed(t);
  });
  after(async () => t?.close());

  for (const [label, group, days, zone] of [
    ['alpha, 7 days', 'alpha', 7, '+08:00'],
    ['beta, 30 days', 'beta', 30, '+00:00'],
    ['every send group, 30 days', null, 30, '+08:00'],
  ] as const) {
    test(`GET /api/v1/stats: ${label}`, async () => {
      const id = group === null ? null : w[group];
      const r = await t.api('GET', `/api/v1/stats?days=${days}${id === null ? '' : `&sendGroupId=${id}`}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const f = r.body.figures;
      const sql = await sqlFigures(t.app.db, w, id, days, zone);
      assert.equal(f.from, sql.from.toISOString());
      assert.ok(Number(sql.sums.alerts) > 20, `seeded enough (${sql.sums.alerts})`);
      assert.equal(f.alerts, Number(sql.sums.alerts));
      assert.equal(f.acknowledged, Number(sql.sums.acked));
      close(f.mttaSeconds, sql.sums.mtta, 'MTTA');
      assert.equal(f.resolved, Number(sql.sums.resolved));
      close(f.mttrSeconds, sql.sums.mttr, 'MTTR');
      assert.equal(f.daily.length, days);
      for (const d of f.daily) assert.equal(d.alerts, sql.daily.get(d.day) ?? 0, d.day);
      const people = [...f.people].sort((a: any, b: any) => a.name.localeCompare(b.name)).map((p: any) => [p.name, p.pages, p.afterHours]);
      assert.deepEqual(people, sql.people.map((p: any) => [p.name, Number(p.pages), Number(p.after_hours)]));
      assert.ok(f.afterHoursPages > 0 && f.afterHoursPages < f.pages, 'some pages after hours, some not');
      assert.deepEqual(f.noisiestRules.map((x: any) => [x.ruleId, x.name, x.alerts]), sql.rules.map((x: any) => [x.rule_id, x.name, Number(x.n)]));
      assert.equal(f.flappingAlerts, sql.flapping.length);
      assert.deepEqual(f.flapping.map((x: any) => x.episodes), sql.flapping.slice(0, 5).map((x: any) => Number(x.n)));
      assert.deepEqual(chartsOf(r.body).length, 0, 'the API answers figures, not a card');
    });
  }

  test('/stats in alpha’s chat answers the same figures, in a card with its two charts', async () => {
    const sandbox = t.app.sandbox!;
    const said = await sandbox.say(t.url, { name: 'ada', role: 'editor', openId: 'ou_ada' }, 'oc_alpha', '/stats 30');
    assert.equal(said.status, 200);
    const reply = await waitFor('the stats card', async () =>
      sandbox.server.messages().find((m) => m.chat_id === 'oc_alpha' && m.content?.header?.title?.content === 'Stats: alpha, last 30 days'),
    );
    const sql = await sqlFigures(t.app.db, w, w.alpha, 30, '+08:00');
    const text = JSON.stringify(reply.content);
    assert.ok(text.includes(`**Alerts**\\n${sql.sums.alerts}"`), `${sql.sums.alerts} alerts`);
    assert.ok(text.includes(`${sql.sums.acked} acknowledged`) && text.includes(`${sql.sums.resolved} resolved`));
    const charts = chartsOf(reply.content);
    assert.equal(charts.length, 2);
    for (const c of charts) assert.deepEqual(c.problems, []);
    const daily = (charts[0]!.spec as { data: { values: { alerts: number }[] } }).data.values;
    assert.equal(daily.reduce((n, d) => n + d.alerts, 0), Number(sql.sums.alerts));
  });

  test('the metrics carry the 7-day figures per send group', async () => {
    const text = (await t.api('GET', '/metrics', undefined, null)).body as string;
    for (const [name, id, zone] of [['alpha', w.alpha, '+08:00'], ['beta', w.beta, '+00:00']] as const) {
      const sql = await sqlFigures(t.app.db, w, id, 7, zone);
      const value = (metric: string) => Number(new RegExp(`^${metric}\\{send_group="${name}",window="7d"\\} (\\S+)$`, 'm').exec(text)?.[1]);
      assert.equal(value('promduty_stats_alerts'), Number(sql.sums.alerts), `${name} alerts`);
      close(value('promduty_stats_mtta_seconds'), sql.sums.mtta, `${name} MTTA`);
      close(value('promduty_stats_mttr_seconds'), sql.sums.mttr, `${name} MTTR`);
      assert.equal(value('promduty_stats_after_hours_pages'), sql.people.reduce((n: number, p: any) => n + Number(p.after_hours), 0));
      assert.equal(value('promduty_stats_flapping_alerts'), sql.flapping.length);
    }
  });

  test('bad queries are 4xx naming the field', async () => {
    const days = await t.api('GET', '/api/v1/stats?days=14');
    assert.equal(days.status, 400);
    assert.deepEqual(days.body.error.details, [{ path: 'days', message: 'must be 7 or 30' }]);
    assert.equal((await t.api('GET', '/api/v1/stats?sendGroupId=abc')).status, 400);
    assert.equal((await t.api('GET', '/api/v1/stats?sendGroupId=9999')).status, 404);
    assert.equal((await t.api('GET', '/api/v1/stats', undefined, null)).status, 401);
  });

  test('the weekly digest: once per group and week, from Monday 09:00 in its zone, however many sweeps run', async () => {
    const digest = t.app.services.statsDigest;
    const digests = () => t.app.sandbox!.server.messages().filter((m) => m.content?.header?.title?.content?.startsWith('Weekly digest'));
    assert.deepEqual(await digest.run(), [], 'Monday 08:00 in Shanghai: not yet');
    // gamma has no on-call group: promduty's TZ. A claim of a minute ago is a worker still sending; …
    await t.app.db('stats_digests').insert({ send_group_id: w.gamma, week: '2025-03-10', claimed_at: new Date(NOW.getTime() + 3_540_000) });
    clock.set(new Date(NOW.getTime() + 3_601_000)); // 09:00:01
    const runs = await Promise.all([digest.run(), digest.run(), digest.run()]);
    assert.deepEqual(runs.flat().map((s) => [s.sendGroupId, s.week]), [[w.alpha, '2025-03-10']]);
    assert.deepEqual(await digest.run(), []);
    // … one that is 15 minutes old was left by a worker that died: taken over.
    clock.set(new Date(NOW.getTime() + 3_601_000 + 16 * 60_000));
    assert.deepEqual((await digest.run()).map((s) => s.sendGroupId), [w.gamma]);
    const sent = digests();
    assert.deepEqual(sent.map((m) => m.chat_id).sort(), ['oc_alpha', 'oc_gamma']);
    const alphaCard = sent.find((m) => m.chat_id === 'oc_alpha')!.content;
    assert.equal(alphaCard.header.subtitle.content, '2025-03-03 – 2025-03-09 (Asia/Shanghai)');
    // The week before: Monday 2025-03-03 00:00 to Sunday 23:59:59.999 in Shanghai.
    const lastWeek = await sqlFigures(t.app.db, w, w.alpha, 7, '+08:00', new Date(Date.parse('2025-03-09T16:00:00Z') - 1));
    assert.ok(JSON.stringify(alphaCard).includes(`**Alerts**\\n${lastWeek.sums.alerts}"`), `the past week’s ${lastWeek.sums.alerts} alerts`);
    for (const c of chartsOf(alphaCard)) assert.deepEqual(c.problems, []);
    const rows = await t.app.db('stats_digests').orderBy('send_group_id');
    assert.ok(rows.every((r: any) => r.sent_at !== null && r.message_id?.startsWith('om_')));
  });
});
