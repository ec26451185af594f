import { addDays } from '../oncall/dates';
import { LocalDays, localDayOf, startOfLocalDay } from './local-days';

/**
 * The figures of /stats, the weekly digest, `GET /api/v1/stats` and the `promduty_stats_*`
 * metrics: pure functions of the events and pages the store reads (src/stats/store.ts), so
 * every definition below is tested without a database.
 *
 * - **Window**: the last `days` calendar days in the zone the figures are for, today included
 *   (so far): from local midnight `days - 1` days ago until now. An event belongs to the window
 *   when it fired (promduty first received it) inside it.
 * - **Alerts**: alert events, one per firing episode (fingerprint + startsAt).
 * - **MTTA**: mean time from firing to the first acknowledgement (a claim), over the
 *   acknowledged events. **MTTR**: mean time from firing to resolved, over resolved events.
 *   Both on promduty's clock: when it got the alert, when someone claimed it, when
 *   Alertmanager said it was resolved.
 * - **Pages**: messages sent to one person about an alert (the private card to the person on
 *   call, escalation messages), one per event, person and channel. **After hours**: sent
 *   outside 09:00–18:00 Monday to Friday in the zone of the send group's on-call group
 *   (promduty's TZ for groups without one): evenings, nights and weekends (local-days.ts).
 * - **Noisiest rules**: rules by alert events in the window (events of alerts promduty did not
 *   define count under their alertname).
 * - **Flapping**: an alert (one fingerprint) with at least `flapEpisodes` (3) firing episodes in
 *   the window: it keeps resolving and firing again.
 */
export const STATS_DAYS = [7, 30] as const;
export type StatsDays = (typeof STATS_DAYS)[number];

export const FLAP_EPISODES = 3;
export const TOP = 5;

export interface StatsWindow {
  /** Local midnight, `days - 1` days before today. */
  from: Date;
  to: Date;
  days: number;
  timeZone: string;
}

/** One alert event as the figures need it. */
export interface StatsEvent {
  sendGroupId: number | null;
  ruleId: number | null;
  alertname: string;
  fingerprint: string;
  firedAt: Date;
  /** The first acknowledgement (claim), if any. */
  ackAt: Date | null;
  resolvedAt: Date | null;
}

/** One message to a person about an alert event. */
export interface StatsPage {
  sendGroupId: number | null;
  /** The promduty user paged (null: an open_id no user has any more). */
  userId: number | null;
  /** The user's name, or the open_id paged. */
  name: string;
  at: Date;
}

export interface PersonPages {
  userId: number | null;
  name: string;
  pages: number;
  afterHours: number;
}

export interface StatsFigures {
  from: string;
  to: string;
  days: number;
  timeZone: string;
  alerts: number;
  acknowledged: number;
  /** Mean seconds from firing to the first acknowledgement; null without acknowledged alerts. */
  mttaSeconds: number | null;
  resolved: number;
  /** Mean seconds from firing to resolved; null without resolved alerts. */
  mttrSeconds: number | null;
  /** One entry per local day of the window, oldest first. */
  daily: { day: string; alerts: number }[];
  pages: number;
  afterHoursPages: number;
  /** Everyone paged in the window, most after-hours pages first. */
  people: PersonPages[];
  /** The rules with the most alert events, at most TOP. */
  noisiestRules: { ruleId: number | null; name: string; alerts: number }[];
  /** Alerts with at least `flapEpisodes` episodes: how many, and the TOP worst. */
  flappingAlerts: number;
  flapping: { fingerprint: string; alertname: string; episodes: number }[];
}

export interface FoldOptions {
  /** The zone of a send group's on-call group (for after-hours pages). */
  zoneOf: (sendGroupId: number | null) => string;
  flapEpisodes?: number;
  top?: number;
}

/** The window of `days` local days in `timeZone` ending now. */
export function statsWindow(now: Date, days: number, timeZone: string): StatsWindow {
  const first = addDays(localDayOf(timeZone, now.getTime()), 1 - days);
  return { from: new Date(startOfLocalDay(timeZone, first)), to: now, days, timeZone };
}

/** The mean of a sum over n, in seconds; null when n is 0. */
const meanSeconds = (sumMs: number, n: number): number | null => (n ? Math.round(sumMs / n) / 1000 : null);

/**
 * Accumulates events and pages one at a time (the store reads them in pages, so a 30-day
 * window of a busy install never sits in memory or on the event loop at once), then gives
 * the figures. Each row costs a binary search over the window's days, nothing more.
 */
export class StatsFold {
  private readonly flapEpisodes: number;
  private readonly top: number;
  private readonly calendars = new Map<string, LocalDays>();
  private readonly daily = new Map<string, number>();
  private alerts = 0;
  private acked = 0;
  private ackMs = 0;
  private resolved = 0;
  private resolveMs = 0;
  private readonly rules = new Map<string, { ruleId: number | null; name: string; alerts: number }>();
  private readonly episodes = new Map<string, { alertname: string; episodes: number }>();
  private readonly people = new Map<string, PersonPages>();

  constructor(
    readonly window: StatsWindow,
    private readonly options: FoldOptions,
  ) {
    this.flapEpisodes = options.flapEpisodes ?? FLAP_EPISODES;
    this.top = options.top ?? TOP;
    const days = this.calendar(window.timeZone);
    for (let i = 0; i < window.days; i++) this.daily.set(addDays(days.dayOf(window.from.getTime())!, i), 0);
  }

  addEvent(e: StatsEvent): void {
    const fired = e.firedAt.getTime();
    if (fired < this.window.from.getTime() || fired > this.window.to.getTime()) return;
    this.alerts++;
    const day = this.calendar(this.window.timeZone).dayOf(fired);
    if (day !== null && this.daily.has(day)) this.daily.set(day, this.daily.get(day)! + 1);
    if (e.ackAt) {
      this.acked++;
      this.ackMs += Math.max(0, e.ackAt.getTime() - fired);
    }
    if (e.resolvedAt) {
      this.resolved++;
      this.resolveMs += Math.max(0, e.resolvedAt.getTime() - fired);
    }
    const ruleKey = e.ruleId === null ? `name:${e.alertname}` : `id:${e.ruleId}`;
    const rule = this.rules.get(ruleKey) ?? { ruleId: e.ruleId, name: e.alertname, alerts: 0 };
    rule.alerts++;
    this.rules.set(ruleKey, rule);
    // Fingerprints are compared without regard to case, as the database's unique key does.
    const fp = e.fingerprint.toLowerCase();
    const flap = this.episodes.get(fp) ?? { alertname: e.alertname, episodes: 0 };
    flap.episodes++;
    this.episodes.set(fp, flap);
  }

  addPage(p: StatsPage): void {
    const at = p.at.getTime();
    if (at < this.window.from.getTime() || at > this.window.to.getTime()) return;
    const key = p.userId === null ? `name:${p.name}` : `id:${p.userId}`;
    const person = this.people.get(key) ?? { userId: p.userId, name: p.name, pages: 0, afterHours: 0 };
    person.pages++;
    if (this.calendar(this.options.zoneOf(p.sendGroupId)).afterHours(at)) person.afterHours++;
    this.people.set(key, person);
  }

  result(): StatsFigures {
    const people = [...this.people.values()].sort((a, b) => b.afterHours - a.afterHours || b.pages - a.pages || a.name.localeCompare(b.name));
    const flapping = [...this.episodes.entries()]
      .filter(([, f]) => f.episodes >= this.flapEpisodes)
      .map(([fingerprint, f]) => ({ fingerprint, alertname: f.alertname, episodes: f.episodes }))
      .sort((a, b) => b.episodes - a.episodes || a.alertname.localeCompare(b.alertname) || a.fingerprint.localeCompare(b.fingerprint));
    return {
      from: this.window.from.toISOString(),
      to: this.window.to.toISOString(),
      days: this.window.days,
      timeZone: this.window.timeZone,
      alerts: this.alerts,
      acknowledged: this.acked,
      mttaSeconds: meanSeconds(this.ackMs, this.acked),
      resolved: this.resolved,
      mttrSeconds: meanSeconds(this.resolveMs, this.resolved),
      daily: [...this.daily].map(([day, alerts]) => ({ day, alerts })),
      pages: people.reduce((n, p) => n + p.pages, 0),
      afterHoursPages: people.reduce((n, p) => n + p.afterHours, 0),
      people,
      noisiestRules: [...this.rules.values()]
        .sort((a, b) => b.alerts - a.alerts || a.name.localeCompare(b.name))
        .slice(0, this.top),
      flappingAlerts: flapping.length,
      flapping: flapping.slice(0, this.top),
    };
  }

  /** Days of a zone over the window (and a day either side), built once per zone. */
  private calendar(timeZone: string): LocalDays {
    let c = this.calendars.get(timeZone);
    if (!c) {
      c = new LocalDays(timeZone, this.window.from.getTime(), this.window.to.getTime());
      this.calendars.set(timeZone, c);
    }
    return c;
  }
}

/** The figures of a window from whole lists (tests, small inputs). */
export function computeStats(window: StatsWindow, events: Iterable<StatsEvent>, pages: Iterable<StatsPage>, options: FoldOptions): StatsFigures {
  const fold = new StatsFold(window, options);
  for (const e of events) fold.addEvent(e);
  for (const p of pages) fold.addPage(p);
  return fold.result();
}
