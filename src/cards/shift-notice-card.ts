import { card, escLine, header, md, mention, nameOf, note, type Card, type Person } from './card';
import { formatWhen, t, type Locale } from '../i18n';

export interface ShiftNoticeInput {
  kind: 'before' | 'handoff';
  groupName: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  /** Who hands over (at handoff), when someone does. */
  previous?: Person | null;
  /** Some day of the shift is a swap. */
  swapped?: boolean;
  locale: Locale;
}

/** The private "you're on call from … to …", sent before a shift and again when it begins. */
export function shiftNoticeCard(input: ShiftNoticeInput): Card {
  const L = input.locale;
  const tz = input.timezone;
  const period = t(L, 'notice.period', { from: formatWhen(L, input.startsAt, tz), to: formatWhen(L, input.endsAt, tz) });
  const group = escLine(input.groupName);
  const lines = [t(L, input.kind === 'before' ? 'notice.before' : 'notice.begun', { group, period })];
  if (input.kind === 'handoff' && input.previous) lines.push(t(L, 'notice.handedBy', { who: mention(input.previous) }));
  if (input.swapped) lines.push(t(L, 'notice.swapped'));
  lines.push(t(L, input.kind === 'before' ? 'notice.alertsWill' : 'notice.alertsNow'));
  const title = t(L, input.kind === 'before' ? 'notice.titleSoon' : 'notice.titleNow', { group: input.groupName });
  return card(
    header(input.kind === 'before' ? 'wathet' : 'turquoise', title),
    [md(lines.join('\n')), note(t(L, 'common.timesIn', { zone: escLine(tz) }))],
    `${title} ${formatWhen(L, input.startsAt, tz)}`,
  );
}

export interface ShiftRow {
  /** Shown when the list spans several groups (`/oncall me`). */
  groupName?: string;
  person: Person | null;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  swapped: boolean;
}

export interface ShiftsCardInput {
  title: string;
  rows: ShiftRow[];
  /** What the card says when there are no rows. */
  empty: string;
  locale: Locale;
}

/** `/oncall next` and `/oncall me`: shifts in order, each with its start, end and person. */
export function shiftsCard(input: ShiftsCardInput): Card {
  const L = input.locale;
  const lines = input.rows.map((r) => {
    const where = r.groupName ? `**${escLine(r.groupName)}** · ` : '';
    const who = r.person ? nameOf(r.person) : t(L, 'common.nobody');
    const zone = r.groupName ? ` (${escLine(r.timezone)})` : '';
    return `- ${where}${who}${r.swapped ? ' ⇄' : ''}\n  ${formatWhen(L, r.startsAt, r.timezone)} → ${formatWhen(L, r.endsAt, r.timezone)}${zone}`;
  });
  const zones = [...new Set(input.rows.map((r) => r.timezone))];
  const footer = input.rows.some((r) => r.swapped) ? t(L, 'shifts.swappedFooter') : '';
  const times = zones.length === 1 && !input.rows[0]?.groupName ? t(L, 'common.timesIn', { zone: escLine(zones[0]!) }) : t(L, 'shifts.eachZone');
  return card(header('turquoise', input.title), [md(lines.length ? lines.join('\n') : escLine(input.empty)), note(`${footer}${times}`)]);
}
