import type { Knex } from 'knex';
import type { FeishuServer, SandboxMessage } from '../../src/sandbox/feishu-server';
import type { StreamAlert } from './alert-stream';

/**
 * What a fault scenario measured, and the one table both `npm test` (test/e2e/faults-*.test.ts)
 * and `npm run faults` (bench/faults.ts) print.
 */
export interface FaultFigures {
  scenario: string;
  /** Alerts posted (every notification's alerts). */
  posted: number;
  /** Alerts whose notification got a 2xx. */
  acknowledged: number;
  /** Acknowledged alerts with their event in MariaDB after draining. */
  stored: number;
  /** Acknowledged and not stored. */
  lost: number;
  /** Alerts whose notification was answered 4xx (Alertmanager drops those): lost as well. */
  refused: number;
  /** Posted and never acknowledged (the poster was still retrying at the end). */
  unacknowledged: number;
  /** Events beyond one per alert: an episode split over several rows of one fingerprint. */
  duplicateEvents: number;
  /** Cards beyond one per alert group and recipient (group chat, on-call person). */
  duplicateCards: number;
  /** Acknowledged alerts without their card in the group chat or the on-call person's chat. */
  missingCards: number;
  /** From the fault's end until every alert first sent before it was acknowledged, stored and on its cards. */
  drainMs: number | null;
}

/**
 * Alert groups a card names: a group card's subtitle says `Group #<id>`, a storm digest's entry
 * `group #<id>` (its alert lines' `#<event id>` are another id space, not counted).
 */
const GROUP_REF = /[Gg]roup #(\d+)(?!\d)/g;

/** How many root cards name each alert group, per receive id (chat or open_id). */
export function cardsPerGroup(messages: SandboxMessage[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const m of messages) {
    if (m.msg_type !== 'interactive' || m.parent_id) continue;
    const ids = new Set([...JSON.stringify(m.content).matchAll(GROUP_REF)].map((x) => Number(x[1])));
    const perEvent = out.get(m.receive_id) ?? new Map<number, number>();
    for (const id of ids) perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    out.set(m.receive_id, perEvent);
  }
  return out;
}

/** Where an alert of a send group must show up: its group chat and its on-call person. */
export interface Recipients {
  chat: string;
  person: string;
}

/** Tracks which stream alerts are stored (their alert group ids) by polling the database. */
export class StoredAlerts {
  readonly groupOf = new Map<string, number>();

  constructor(private readonly db: Knex) {}

  /** Looks up the alerts not found yet; a database that is down just means "not yet". */
  async refresh(alerts: StreamAlert[]): Promise<void> {
    const wanted = alerts.filter((a) => !this.groupOf.has(a.fingerprint)).map((a) => a.fingerprint);
    for (let i = 0; i < wanted.length; i += 500) {
      try {
        const rows = await this.db('alert_events').whereIn('fingerprint', wanted.slice(i, i + 500)).whereNotNull('group_id').select('group_id', 'fingerprint');
        for (const r of rows) this.groupOf.set(r.fingerprint, r.group_id);
      } catch {
        return;
      }
    }
  }
}

/** True when the alert is acknowledged, stored, and its group on a card in each of its recipients' chats. */
export function settledAlert(a: StreamAlert, stored: StoredAlerts, cards: Map<string, Map<number, number>>, to: Recipients): boolean {
  const id = stored.groupOf.get(a.fingerprint);
  if (a.acknowledgedAt === undefined || id === undefined) return false;
  return (cards.get(to.chat)?.get(id) ?? 0) > 0 && (cards.get(to.person)?.get(id) ?? 0) > 0;
}

export async function countFigures(o: {
  scenario: string;
  db: Knex;
  feishu: FeishuServer;
  alerts: StreamAlert[];
  refused: number;
  stored: StoredAlerts;
  recipientsOf: (sendGroup: number) => Recipients;
  drainMs: number | null;
}): Promise<FaultFigures> {
  await o.stored.refresh(o.alerts);
  const acknowledged = o.alerts.filter((a) => a.acknowledgedAt !== undefined);
  const stored = acknowledged.filter((a) => o.stored.groupOf.has(a.fingerprint));
  const split = await o.db('alert_events').groupBy('fingerprint').havingRaw('COUNT(*) > 1').select('fingerprint', o.db.raw('COUNT(*) AS n'));
  const cards = cardsPerGroup(o.feishu.messages());
  let duplicateCards = 0;
  for (const perEvent of cards.values()) for (const n of perEvent.values()) duplicateCards += Math.max(0, n - 1);
  const missing = stored.filter((a) => !settledAlert(a, o.stored, cards, o.recipientsOf(a.sendGroup)));
  return {
    scenario: o.scenario,
    posted: o.alerts.length,
    acknowledged: acknowledged.length,
    stored: stored.length,
    lost: acknowledged.length - stored.length,
    refused: o.refused,
    unacknowledged: o.alerts.length - acknowledged.length,
    duplicateEvents: split.reduce((n: number, r: any) => n + Number(r.n) - 1, 0),
    duplicateCards,
    missingCards: missing.length,
    drainMs: o.drainMs,
  };
}

/** The figures as a Markdown table (BENCHMARKS.md takes it as it is). */
export function figuresTable(rows: FaultFigures[]): string {
  const head = ['scenario', 'posted', 'acknowledged', 'stored', 'lost', 'refused (4xx)', 'never acknowledged', 'duplicate events', 'duplicate cards', 'missing cards', 'time to drain'];
  const drain = (ms: number | null) => (ms === null ? 'did not drain' : `${(ms / 1000).toFixed(1)} s`);
  const lines = rows.map((f) =>
    [f.scenario, f.posted, f.acknowledged, f.stored, f.lost, f.refused, f.unacknowledged, f.duplicateEvents, f.duplicateCards, f.missingCards, drain(f.drainMs)].join(' | '),
  );
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...lines.map((l) => `| ${l} |`)].join('\n');
}
