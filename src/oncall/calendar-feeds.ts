import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { notFound } from '../core/errors';
import { nextTurn, OneAtATime } from '../core/turns';
import { writeAudit, type Actor } from '../db/audit';
import { addDays } from './dates';
import { calendarEvent, calendarName } from './messages';
import type { Locale } from '../i18n';
import { renderIcal, type IcalShift } from './render-ical';
import { MAX_ROSTER_DAYS, type OncallService, type ShiftView } from './roster-service';
import { rosterDayAt } from './shifts';
import { loadGroup, loadGroups, type OncallGroup } from './store';

export type FeedKind = 'group' | 'user';

/** A feed shows this many days before today, then the rest of the roster API's 400 days ahead. */
export const FEED_PAST_DAYS = 30;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * iCalendar feeds of on-call shifts, per group and per person, at secret URLs
 * (`/calendar/groups/:id/<token>.ics`). The token is an HMAC of the feed and a random nonce
 * under CALENDAR_SECRET, so promduty can show the same URL again without storing it; the
 * database keeps only its SHA-256, compared in constant time. Rotating draws a new nonce:
 * the old URL stops working at once.
 */
export class CalendarFeedService {
  private readonly building = new OneAtATime();

  constructor(
    private readonly db: Knex,
    private readonly oncall: Pick<OncallService, 'shifts'>,
    private readonly clock: Clock,
    private readonly secret: string,
    private readonly publicUrl: string,
    private readonly locale: Locale,
  ) {}

  /** The feed's URL, issuing its token on first use. */
  async url(kind: FeedKind, subjectId: number): Promise<string> {
    await this.subject(kind, subjectId);
    const row = await this.db('oncall_calendar_tokens').where({ kind, subject_id: subjectId }).first();
    if (!row) return this.issue(kind, subjectId, null);
    const token = this.token(kind, subjectId, row.nonce);
    // CALENDAR_SECRET changed since: this URL is the valid one from now on.
    if (sha256(token) !== row.token_hash) await this.db('oncall_calendar_tokens').where({ id: row.id }).update({ token_hash: sha256(token) });
    return this.link(kind, subjectId, token);
  }

  /** A new URL; the old one stops working. */
  async rotate(kind: FeedKind, subjectId: number, actor: Actor): Promise<string> {
    await this.subject(kind, subjectId);
    return this.issue(kind, subjectId, actor);
  }

  /** The feed's text, when `token` is the feed's; otherwise not_found (never saying which part was wrong). */
  async feed(kind: FeedKind, subjectId: number, token: string): Promise<{ name: string; ics: string }> {
    const row = await this.db('oncall_calendar_tokens').where({ kind, subject_id: subjectId }).first('token_hash');
    const presented = Buffer.from(sha256(token), 'hex');
    const stored = Buffer.from(row?.token_hash ?? '0'.repeat(64), 'hex');
    if (!row || stored.length !== presented.length || !timingSafeEqual(stored, presented)) throw notFound('calendar feed', `${kind}s/${subjectId}`);
    return this.building.run(() => this.build(kind, subjectId));
  }

  /**
   * A 400-day roster per group, then the render: a few ms each, but calendar apps poll feeds
   * together. Built one feed at a time, a turn of the loop between slices (measured, bench
   * part calendar: 20 concurrent feeds stalled the loop 64 ms quiet, 99-203 ms on a busy box,
   * when their slices ran back to back in one turn).
   */
  private async build(kind: FeedKind, subjectId: number): Promise<{ name: string; ics: string }> {
    const name = await this.subject(kind, subjectId);
    const groups = kind === 'group' ? [await loadGroup(this.db, subjectId)] : await this.groupsOf(subjectId);
    const shifts: IcalShift[] = [];
    for (const g of groups) {
      await nextTurn();
      for (const s of await this.shiftsOf(g)) if (kind === 'group' || s.userId === subjectId) shifts.push(this.event(g, s, kind));
    }
    shifts.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const text = calendarName(this.locale, kind, name);
    const timezone = kind === 'group' ? groups[0]!.timezone : null;
    await nextTurn();
    return { name, ics: renderIcal({ name: text.name, description: text.description, timezone, shifts, now: this.clock.now() }) };
  }

  /**
   * The groups a person can have shifts in: a member, or named by a swap or the recorded history.
   * Working out every group's 400-day roster for one person's feed was most of the feed's time
   * (measured: 20 concurrent person feeds over 10 groups stalled the loop 176 ms).
   */
  private async groupsOf(userId: number): Promise<OncallGroup[]> {
    const ids = new Set<number>();
    const rows = await this.db
      .select('group_id')
      .from('oncall_members')
      .where({ user_id: userId })
      .union((q) => void q.select('group_id').from('oncall_swaps').where({ to_user_id: userId }).whereNull('cancelled_at'))
      .union((q) => void q.select('group_id').from('oncall_history').where({ user_id: userId }));
    for (const r of rows as Array<{ group_id: number }>) ids.add(Number(r.group_id));
    return (await loadGroups(this.db)).filter((g) => ids.has(g.id));
  }

  /** The window a feed covers, in the group's roster days: as many days as the roster API allows. */
  private async shiftsOf(g: OncallGroup): Promise<ShiftView[]> {
    const from = addDays(rosterDayAt(g, this.clock.now()), -FEED_PAST_DAYS);
    return (await this.oncall.shifts(g.id, from, addDays(from, MAX_ROSTER_DAYS - 1))).shifts;
  }

  private event(g: OncallGroup, s: ShiftView, kind: FeedKind): IcalShift {
    const text = calendarEvent(this.locale, kind, g.name, s.person?.name ?? `user ${s.userId}`, s.swapped);
    return {
      uid: `oncall-${g.id}-${s.firstDay}-${s.userId}@promduty`,
      summary: text.summary,
      description: text.description,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      timezone: g.timezone,
    };
  }

  private async issue(kind: FeedKind, subjectId: number, actor: Actor | null): Promise<string> {
    const nonce = randomBytes(16).toString('hex');
    const token = this.token(kind, subjectId, nonce);
    await this.db('oncall_calendar_tokens')
      .insert({ kind, subject_id: subjectId, nonce, token_hash: sha256(token), created_at: this.clock.now() })
      .onConflict(['kind', 'subject_id'])
      .merge(actor ? ['nonce', 'token_hash', 'created_at'] : ['kind']);
    if (actor) await writeAudit(this.db, actor, { action: 'rotate', entity: 'calendar_feed', entityId: `${kind}:${subjectId}` });
    // Two first uses at once: whichever nonce was stored is the one to show.
    const row = await this.db('oncall_calendar_tokens').where({ kind, subject_id: subjectId }).first('nonce');
    return this.link(kind, subjectId, this.token(kind, subjectId, row.nonce));
  }

  private token(kind: FeedKind, subjectId: number, nonce: string): string {
    return createHmac('sha256', this.secret).update(`calendar:${kind}:${subjectId}:${nonce}`).digest('base64url');
  }

  private link(kind: FeedKind, subjectId: number, token: string): string {
    return `${this.publicUrl}/calendar/${kind}s/${subjectId}/${token}.ics`;
  }

  /** The group's or the person's name; not_found when they are gone. */
  private async subject(kind: FeedKind, id: number): Promise<string> {
    if (kind === 'group') return (await loadGroup(this.db, id)).name;
    const user = await this.db('users').where({ id }).first('name');
    if (!user) throw notFound('user', id);
    return user.name;
  }
}
