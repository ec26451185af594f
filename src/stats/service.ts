import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { notFound } from '../core/errors';
import { fieldError } from '../i18n';
import { FLAP_EPISODES, STATS_DAYS, StatsFold, statsWindow, type StatsDays, type StatsFigures, type StatsWindow } from './figures';
import { sendGroupZones, statsChunks, type SendGroupZone } from './store';

export interface StatsReport {
  /** null: every send group. */
  sendGroup: { id: number; name: string } | null;
  flapEpisodes: number;
  figures: StatsFigures;
}

export interface StatsQuery {
  sendGroupId: number | null;
  days: StatsDays;
}

/** `days` as given by people: 7 or 30, anything else is refused naming the choices. */
export function parseStatsDays(value: string | number | undefined, field = 'days'): StatsDays {
  if (value === undefined || value === '') return 7;
  const n = Number(value);
  if (!STATS_DAYS.includes(n as StatsDays)) throw fieldError(field, 'stats.err.days', { short: STATS_DAYS[0], long: STATS_DAYS[1] });
  return n as StatsDays;
}

/**
 * /stats, `GET /api/v1/stats`, the weekly digest and the stats metrics: which window, in
 * which zone (the send group's on-call group's, else promduty's TZ), over which events.
 */
export class StatsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    /** settings.timezone: for all send groups together, and for groups without an on-call group. */
    private readonly defaultTimeZone: string,
  ) {}

  async report(q: StatsQuery): Promise<StatsReport> {
    const groups = await sendGroupZones(this.db);
    const group = q.sendGroupId === null ? null : groups.find((g) => g.id === q.sendGroupId);
    if (group === undefined) throw notFound('send group', q.sendGroupId);
    const zone = group?.timeZone ?? this.defaultTimeZone;
    return this.reportFor(groups, group, statsWindow(this.clock.now(), q.days, zone));
  }

  /** The figures of one send group (or all) over a given window (the digest's past week). */
  async reportFor(groups: SendGroupZone[], group: SendGroupZone | null, window: StatsWindow): Promise<StatsReport> {
    const zones = new Map(groups.map((g) => [g.id, g.timeZone ?? this.defaultTimeZone]));
    const fold = new StatsFold(window, { zoneOf: (id) => (id === null ? this.defaultTimeZone : (zones.get(id) ?? this.defaultTimeZone)) });
    for await (const chunk of statsChunks(this.db, { sendGroupId: group?.id ?? null, from: window.from, to: window.to })) {
      for (const e of chunk.events) fold.addEvent(e);
      for (const p of chunk.pages) fold.addPage(p);
    }
    return { sendGroup: group && { id: group.id, name: group.name }, flapEpisodes: FLAP_EPISODES, figures: fold.result() };
  }

  /** Every send group with its zone. */
  groups(): Promise<SendGroupZone[]> {
    return sendGroupZones(this.db);
  }

  zoneOf(group: SendGroupZone | null): string {
    return group?.timeZone ?? this.defaultTimeZone;
  }

  /** The send group of this name, or one named by its id; null when there is none. */
  async findGroup(nameOrId: string): Promise<SendGroupZone | null> {
    const groups = await sendGroupZones(this.db);
    return groups.find((g) => g.name === nameOrId) ?? groups.find((g) => /^\d+$/.test(nameOrId) && g.id === Number(nameOrId)) ?? null;
  }
}
