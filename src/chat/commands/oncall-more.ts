import { calendarLinkCard } from '../../cards/calendar-card';
import { shiftsCard, type ShiftRow } from '../../cards/shift-notice-card';
import { t, userError } from '../../i18n';
import { addDays } from '../../oncall/dates';
import type { OncallGroup } from '../../oncall/groups';
import { rosterDayAt } from '../../oncall/roster';
import { hasRole } from '../../users/users';
import { findOncallGroup, personOf } from '../lookup';
import { usageError } from '../replies';
import { actorOf, type ChatDeps, type ChatRequest, type Reply } from '../types';

/** How far ahead `/oncall next` and `/oncall me` look, and how many shifts they list. */
const AHEAD_DAYS = 92;
const MAX_ROWS = 8;

async function upcoming(d: ChatDeps, group: OncallGroup): Promise<Array<ShiftRow & { userId: number }>> {
  const now = d.clock.now();
  const today = rosterDayAt(group, now);
  const { shifts } = await d.oncall.shifts(group.id, today, addDays(today, AHEAD_DAYS - 1));
  return shifts
    .filter((s) => s.endsAt > now)
    .map((s) => ({ groupName: group.name, person: personOf(s.person), startsAt: s.startsAt, endsAt: s.endsAt, timezone: group.timezone, swapped: s.swapped, userId: s.userId }));
}

/** `/oncall next [group]`: who is on call now and next, shift by shift. */
export async function nextShifts(req: ChatRequest, d: ChatDeps, groupName: string | undefined): Promise<Reply> {
  const groups = groupName ? [await findOncallGroup(d, groupName)] : await d.oncallGroups.list();
  const rows = (await Promise.all(groups.map((g) => upcoming(d, g)))).flatMap((r) => r.slice(0, groups.length > 1 ? 3 : MAX_ROWS));
  const only = groups.length === 1 ? groups[0]!.name : null;
  return {
    card: shiftsCard({
      locale: d.locale,
      title: only ? t(d.locale, 'reply.nextShiftsOf', { group: only }) : t(d.locale, 'reply.nextShifts'),
      rows: only ? rows.map(({ groupName: _g, ...r }) => r) : rows,
      empty: t(d.locale, 'reply.nobodyScheduled', { days: AHEAD_DAYS }),
    }),
  };
}

/** `/oncall me`: the asking person's next shifts in every group. */
export async function myShifts(req: ChatRequest, d: ChatDeps): Promise<Reply> {
  const groups = await d.oncallGroups.list();
  const rows = (await Promise.all(groups.map((g) => upcoming(d, g))))
    .flat()
    .filter((r) => r.userId === req.user.id)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .slice(0, MAX_ROWS);
  return { card: shiftsCard({ locale: d.locale, title: t(d.locale, 'reply.myShifts'), rows, empty: t(d.locale, 'reply.noShiftsForMe', { days: AHEAD_DAYS }) }) };
}

/**
 * `/oncall calendar [group] [rotate]`: the feed URL, always privately. Anyone may rotate
 * their own link; a group's link (everyone's subscriptions break) only an admin.
 */
export async function calendarLink(req: ChatRequest, d: ChatDeps, args: string[]): Promise<Reply> {
  const rotate = args[args.length - 1] === 'rotate';
  const names = rotate ? args.slice(0, -1) : args;
  if (names.length > 1) throw usageError('reply.calendarArgs');
  const group = names[0] ? await findOncallGroup(d, names[0]) : null;
  if (group && rotate && !hasRole(req.user, 'admin')) throw userError('forbidden', 'reply.calendarRotateAdmin');
  const kind = group ? 'group' : 'user';
  const id = group ? group.id : req.user.id;
  const url = rotate ? await d.calendars.rotate(kind, id, actorOf(req.user)) : await d.calendars.url(kind, id);
  const card = calendarLinkCard({ locale: d.locale, kind, subject: group ? group.name : req.user.name, url, rotated: rotate });
  if (req.chatType === 'p2p') return { card };
  return { text: t(d.locale, 'reply.calendarSentPrivately'), privately: card };
}
