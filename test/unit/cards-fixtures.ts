import assert from 'node:assert/strict';
import type { AlertCardInput, AlertEventView } from '../../src/cards/alert-card';
import type { EventRowView } from '../../src/cards/alert-parts';
import { alertsListCard } from '../../src/cards/alerts-list-card';
import { CARD_MAX_BYTES, cardBytes, type Card } from '../../src/cards/card';
import { deadLetterCard } from '../../src/cards/dead-letter-card';
import { digestCard } from '../../src/cards/digest-card';
import { errorCard } from '../../src/cards/error-card';
import { escalationCard } from '../../src/cards/escalation-card';
import { handoffCard } from '../../src/cards/handoff-card';
import { helpCard } from '../../src/cards/help-card';
import { oncallCard } from '../../src/cards/oncall-card';
import { poolsCard } from '../../src/cards/pools-card';
import { rosterCard } from '../../src/cards/roster-card';
import { ruleCard, type RuleView } from '../../src/cards/rule-card';
import { swapCard } from '../../src/cards/swap-card';
import { swapRequestCard, type SwapRequestView } from '../../src/cards/swap-request-card';
import { shiftNoticeCard, shiftsCard } from '../../src/cards/shift-notice-card';
import { calendarLinkCard } from '../../src/cards/calendar-card';
import { describeError, t, userError, type Locale } from '../../src/i18n';
import { notFound } from '../../src/core/errors';

/** A pending personal request: Bob asks Carol to take his Saturday. */
export const SWAP_REQUEST: SwapRequestView = {
  id: 12,
  groupName: 'infra',
  firstDay: '2025-03-15',
  lastDay: '2025-03-15',
  startsAt: new Date('2025-03-15T01:00:00Z'),
  endsAt: new Date('2025-03-16T01:00:00Z'),
  timezone: 'Asia/Shanghai',
  from: { name: 'Bob', openId: 'ou_bob02' },
  to: { name: 'Carol', openId: 'ou_carol03' },
  requester: { name: 'Bob', openId: 'ou_bob02' },
  state: 'pending',
  decider: null,
  expiresAt: new Date('2025-03-15T01:00:00Z'),
};
import { textCard } from '../../src/cards/text-card';

/** Fixed instants and zone so goldens never move: 10:30 in Shanghai on 2025-03-14. */
export const TZ = 'Asia/Shanghai';
export const NOW = new Date('2025-03-14T02:30:00Z');

export const EVENT: AlertEventView = {
  id: 42,
  alertname: 'HighCPU',
  status: 'firing',
  severity: 'critical',
  target: 'node-1:9100',
  treePath: 'company/infra/db',
  summary: 'CPU above 90% on node-1',
  description: 'CPU usage is 97.3% for the last 5 minutes.\nCheck the top processes.',
  value: '0.973',
  labels: { alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical', send_group: '3', rule_id: '7' },
  generatorUrl: 'http://prom-1:9090/graph?g0.expr=rate%28node_cpu_seconds_total%5B5m%5D%29&g0.tab=1',
  grafanaUrl: 'https://grafana.example.com/d/node?var-instance=node-1:9100',
  firstSeenAt: new Date('2025-03-14T02:00:00Z'),
  lastSeenAt: new Date('2025-03-14T02:29:00Z'),
  resolvedAt: null,
  count: 3,
  claimedBy: null,
  claimedAt: null,
  silencedUntil: null,
  escalationLevel: 0,
};

export function alertInput(event: Partial<AlertEventView> = {}, extra: Partial<AlertCardInput> = {}): AlertCardInput {
  return {
    event: { ...EVENT, ...event },
    sendGroupName: 'infra-oncall',
    oncall: { name: 'Alice', openId: 'ou_alice01' },
    timezone: TZ,
    now: NOW,
    withButtons: true,
    eventUrl: 'https://promduty.example.com/events/42',
    locale: 'en',
    ...extra,
  };
}

/** Every node of the card JSON that has a `tag` (components, plain_text, text tags). */
export function countTagged(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countTagged(x), 0);
  if (!node || typeof node !== 'object') return 0;
  const own = 'tag' in node ? 1 : 0;
  return own + Object.values(node).reduce((n: number, x) => n + countTagged(x), 0);
}

export interface EmittedCallback { tag: string; value: unknown; options: string[] }

/** Every callback a card can send back: the value, and for selects the options it may carry. */
export function callbacks(node: unknown, out: EmittedCallback[] = []): EmittedCallback[] {
  if (Array.isArray(node)) {
    for (const x of node) callbacks(x, out);
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    for (const b of (Array.isArray(o.behaviors) ? o.behaviors : []) as Array<{ type: string; value?: unknown }>) {
      if (b.type !== 'callback') continue;
      const options = Array.isArray(o.options) ? (o.options as Array<{ value: string }>).map((x) => x.value) : [];
      out.push({ tag: String(o.tag), value: b.value, options });
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'behaviors') callbacks(v, out);
  }
  return out;
}

/** The content of every markdown element: the only text Feishu parses. */
export function markdownOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) markdownOf(x, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
    for (const v of Object.values(o)) markdownOf(v, out);
  }
  return out;
}

export const actionsOf = (c: Card): string[] => callbacks(c).map((cb) => (cb.value as { a: string }).a);

/** Within Feishu's limits: 30 KB (as the card JSON and as the escaped string sent) and 200 components. */
export function assertSendable(c: Card): void {
  assert.ok(cardBytes(c) <= CARD_MAX_BYTES, `card is ${cardBytes(c)} bytes as sent`);
  assert.ok(Buffer.byteLength(JSON.stringify(c)) < 30 * 1024);
  assert.ok(countTagged(c) <= 200, `card has ${countTagged(c)} tagged nodes`);
}

// ---- one representative input per card, for goldens and the callback contract ----

const rows = (n: number): EventRowView[] =>
  Array.from({ length: n }, (_, i) => ({
    id: 100 + i,
    alertname: ['HighCPU', 'DiskFilling', 'InstanceDown', 'Latency'][i % 4]!,
    status: i % 7 === 6 ? 'resolved' : 'firing',
    severity: ['critical', 'warning', 'info', 'warning'][i % 4]!,
    target: `node-${i}:9100`,
    firstSeenAt: new Date(NOW.getTime() - (i + 1) * 60_000),
    resolvedAt: i % 7 === 6 ? new Date(NOW.getTime() - 30_000) : null,
    claimedBy: i === 1 ? { name: 'Bob' } : null,
    silencedUntil: i === 2 ? new Date(NOW.getTime() + 3_600_000) : null,
  }));
export const digestRows = rows;

const RULE: RuleView = {
  id: 7,
  alertname: 'HighCPU',
  poolName: 'default',
  sendGroupName: 'infra-oncall',
  treePath: 'company/infra',
  expr: 'rate(node_cpu_seconds_total{mode!="idle"}[5m]) > 0.9',
  for: '5m',
  severity: 'warning',
  labels: { team: 'infra' },
  annotations: { summary: 'CPU high on {{ $labels.instance }}', description_value: '{{ $value }}' },
  enabled: true,
};

/** Every card but the alert card, in `L` (goldens are kept per language). */
export function sampleCards(L: Locale = 'en') {
  const events = [EVENT, { ...EVENT, id: 43, severity: 'warning', claimedBy: { name: 'Bob' } }, { ...EVENT, id: 44, silencedUntil: new Date(NOW.getTime() + 600_000) }];
  return {
    digest: digestCard({ locale: L, sendGroupName: 'infra-oncall', alerts: rows(8), timezone: TZ, now: NOW, withButtons: true }),
    'dead-letters': deadLetterCard({ locale: L,
      letters: [
        { id: 7, receivedAt: new Date('2025-03-14T01:02:03Z'), receiver: 'sg-3', alerts: 2, alertnames: ['HostDown', 'Disk_*Full*'], error: "Incorrect datetime value: '10000-01-01 00:00:00.000' for column `starts_at` at row 1" },
        { id: 9, receivedAt: new Date('2025-03-14T01:02:04Z'), receiver: 'sg-3', alerts: 1, alertnames: [], error: 'CONSTRAINT `alert_events.labels` failed' },
      ],
      total: 5,
      timezone: TZ,
    }),
    'digest-webhook': digestCard({ locale: L, sendGroupName: 'infra-oncall', alerts: rows(3), timezone: TZ, now: NOW, withButtons: false }),
    escalation: escalationCard({ ...alertInput({}, { locale: L }), level: 1, unclaimedMinutes: 15 }),
    'alerts-list': alertsListCard({ locale: L, events, timezone: TZ, now: NOW, total: 5 }),
    'alerts-list-empty': alertsListCard({ locale: L, events: [], timezone: TZ, now: NOW }),
    error: errorCard(describeError(L, userError('validation_failed', 'reply.silenceArgs'), t(L, 'cmd.silence.usage'))),
    'error-not-found': errorCard(describeError(L, notFound('on-call group', 'nope'))),
    'error-internal': errorCard(describeError(L, new Error('connection reset'))),
    help: helpCard({
      locale: L,
      commands: [
        { usage: t(L, 'cmd.oncall.usage'), description: t(L, 'cmd.oncall.description'), aliases: L === 'en' ? ['/值班'] : ['/oncall'] },
        { usage: t(L, 'cmd.silence.usage'), description: t(L, 'cmd.silence.description'), aliases: L === 'en' ? ['/屏蔽'] : ['/silence'] },
      ],
    }),
    oncall: oncallCard({ locale: L,
      groups: [
        { name: 'infra', current: { name: 'Alice', openId: 'ou_alice01' }, next: { name: 'Bob' }, nextHandoffAt: new Date('2025-03-15T01:00:00Z') },
        { name: 'dba', current: null },
      ],
      timezone: TZ,
    }),
    roster: rosterCard({ locale: L,
      groupName: 'infra',
      groupId: 3,
      timezone: TZ,
      month: '2025-03',
      today: '2025-03-14',
      days: Array.from({ length: 31 }, (_, i) => ({
        day: `2025-03-${String(i + 1).padStart(2, '0')}`,
        userName: i === 20 ? null : ['Alice', 'Bob', 'Carol'][Math.floor(i / 7) % 3]!,
        reason: i === 20 ? ('none' as const) : i === 15 ? ('swap' as const) : i < 13 ? ('history' as const) : ('rotation' as const),
      })),
    }),
    handoff: handoffCard({ locale: L, groupName: 'infra', current: { name: 'Alice', openId: 'ou_alice01' }, previous: { name: 'Carol', openId: 'ou_carol03' }, next: { name: 'Bob' }, nextHandoffAt: new Date('2025-03-21T01:00:00Z'), timezone: TZ }),
    'handoff-continues': handoffCard({ locale: L, groupName: 'infra', current: { name: 'Alice', openId: 'ou_alice01' }, previous: { name: 'Alice', openId: 'ou_alice01' }, timezone: TZ }),
    'swap-request-addressee': swapRequestCard(SWAP_REQUEST, 'addressee', L),
    'swap-request-requester': swapRequestCard(SWAP_REQUEST, 'requester', L),
    'swap-request-group': swapRequestCard(SWAP_REQUEST, 'group', L),
    'swap-offer-group': swapRequestCard({ ...SWAP_REQUEST, to: null, lastDay: '2025-03-17', endsAt: new Date('2025-03-18T01:00:00Z') }, 'group', L),
    'swap-request-accepted': swapRequestCard({ ...SWAP_REQUEST, state: 'accepted', decider: SWAP_REQUEST.to }, 'group', L),
    'swap-offer-taken': swapRequestCard({ ...SWAP_REQUEST, to: null, state: 'accepted', decider: { name: 'Carol', openId: 'ou_carol03' } }, 'group', L),
    'swap-request-declined': swapRequestCard({ ...SWAP_REQUEST, state: 'declined', decider: SWAP_REQUEST.to }, 'requester', L),
    'swap-request-expired': swapRequestCard({ ...SWAP_REQUEST, state: 'expired' }, 'requester', L),
    'swap-request-cancelled': swapRequestCard({ ...SWAP_REQUEST, state: 'cancelled', decider: SWAP_REQUEST.requester }, 'group', L),
    'swap-request-forced': swapRequestCard({ ...SWAP_REQUEST, state: 'forced', requester: { name: 'Ada', openId: 'ou_ada00' }, decider: { name: 'Ada', openId: 'ou_ada00' } }, 'group', L),
    'shift-notice-before': shiftNoticeCard({ locale: L, kind: 'before', groupName: 'infra', startsAt: new Date('2025-03-15T01:00:00Z'), endsAt: new Date('2025-03-18T01:00:00Z'), timezone: TZ }),
    'shift-notice-handoff': shiftNoticeCard({ locale: L, kind: 'handoff', groupName: 'infra', startsAt: new Date('2025-03-15T01:00:00Z'), endsAt: new Date('2025-03-18T01:00:00Z'), timezone: TZ, previous: { name: 'Bob', openId: 'ou_bob02' }, swapped: true }),
    'shifts-next': shiftsCard({ locale: L,
      title: t(L, 'reply.nextShiftsOf', { group: 'infra' }),
      rows: [
        { person: { name: 'Alice', openId: 'ou_alice01' }, startsAt: new Date('2025-03-14T01:00:00Z'), endsAt: new Date('2025-03-15T01:00:00Z'), timezone: TZ, swapped: false },
        { person: { name: 'Bob' }, startsAt: new Date('2025-03-15T01:00:00Z'), endsAt: new Date('2025-03-17T01:00:00Z'), timezone: TZ, swapped: true },
      ],
      empty: t(L, 'reply.nobodyScheduled', { days: 92 }),
    }),
    'shifts-mine': shiftsCard({ locale: L,
      title: t(L, 'reply.myShifts'),
      rows: [{ groupName: 'infra', person: { name: 'Alice' }, startsAt: new Date('2025-03-20T01:00:00Z'), endsAt: new Date('2025-03-21T01:00:00Z'), timezone: TZ, swapped: false }],
      empty: t(L, 'reply.noShiftsForMe', { days: 92 }),
    }),
    // Titles and empty lines as the commands make them (src/chat/commands/oncall-more.ts).
    'shifts-none': shiftsCard({ locale: L, title: t(L, 'reply.myShifts'), rows: [], empty: t(L, 'reply.noShiftsForMe', { days: 92 }) }),
    'calendar-user': calendarLinkCard({ locale: L, kind: 'user', subject: 'Alice', url: 'https://promduty.example.com/calendar/users/1/AbC_d-9xYz0123456789abcdefghijklmnopqrstu.ics' }),
    'calendar-group-rotated': calendarLinkCard({ locale: L, kind: 'group', subject: 'infra', url: 'https://promduty.example.com/calendar/groups/3/AbC_d-9xYz0123456789abcdefghijklmnopqrstu.ics', rotated: true }),
    rule: ruleCard({ locale: L, rule: RULE, editable: true }),
    'rule-readonly': ruleCard({ locale: L, rule: { ...RULE, enabled: false }, editable: false }),
    'rule-partial-data': ruleCard({
      locale: L,
      rule: { ...RULE, placement: { engine: 'prometheus', replicas: 1, evaluators: ['10.0.0.1:9090'], complete: false, source: { key: 'ruleData.sharded', params: { count: 2 } } } },
      editable: false,
    }),
    'rule-error': ruleCard({ locale: L, rule: RULE, editable: true, draft: { expr: 'rate(foo[5m]) >', for: '5m' }, error: { message: 'expr: unexpected end of input', details: ['1:16: parse error'] } }),
    swap: swapCard({ locale: L, groupId: 3, groupName: 'infra', today: '2025-03-14', members: [{ name: 'Alice', openId: 'ou_alice01' }, { name: 'Bob', openId: 'ou_bob02' }, { name: 'Nobody' }] }),
    pools: poolsCard({ locale: L,
      pools: [
        { id: 1, name: 'default', targets: 120, rules: 40, instances: [{ address: '10.0.0.1:9090', healthy: true }, { address: '10.0.0.2:9090', healthy: false }], lastPublish: { at: new Date('2025-03-14T02:00:00Z'), ok: true }, does: { role: 'both', engine: 'prometheus', replicas: 1 } },
        { id: 2, name: 'k8s', instances: [{ address: 'prom-k8s:9090', healthy: null }], lastPublish: { at: new Date('2025-03-14T02:05:00Z'), ok: false, error: 'reload failed: 500' }, does: { role: 'scrape', engine: 'prometheus', replicas: 1 } },
        { id: 3, name: 'evaluators', instances: [], lastPublish: null, does: { role: 'evaluate', engine: 'vmalert', replicas: 2 } },
      ],
      timezone: TZ,
    }),
    text: textCard({ title: 'Silenced', markdown: 'Alert **#42** silenced for 1h.', template: 'grey' }),
  } satisfies Record<string, Card>;
}
