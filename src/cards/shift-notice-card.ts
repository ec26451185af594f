import { formatTime } from '../core/text';
import { card, escLine, header, md, mention, nameOf, note, type Card, type Person } from './card';

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
}

const when = (d: Date, tz: string): string => formatTime(d, tz, 'ddd YYYY-MM-DD HH:mm');

/** The private "you're on call from … to …", sent before a shift and again when it begins. */
export function shiftNoticeCard(input: ShiftNoticeInput): Card {
  const tz = input.timezone;
  const period = `from **${when(input.startsAt, tz)}** to **${when(input.endsAt, tz)}**`;
  const lines = [
    input.kind === 'before'
      ? `You're on call in **${escLine(input.groupName)}** ${period}.`
      : `Your shift in **${escLine(input.groupName)}** has begun: you're on call ${period}.`,
  ];
  if (input.kind === 'handoff' && input.previous) lines.push(`Handed over by ${mention(input.previous)}.`);
  if (input.swapped) lines.push('This shift includes a swapped day.');
  lines.push(input.kind === 'before' ? 'Alerts will @mention you from the start of the shift.' : 'Alerts now @mention you.');
  const title = input.kind === 'before' ? `On call soon: ${input.groupName}` : `You're on call: ${input.groupName}`;
  return card(header(input.kind === 'before' ? 'wathet' : 'turquoise', title), [md(lines.join('\n')), note(`Times in ${escLine(tz)}`)], `${title} ${when(input.startsAt, tz)}`);
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
}

/** `/oncall next` and `/oncall me`: shifts in order, each with its start, end and person. */
export function shiftsCard(input: ShiftsCardInput): Card {
  const lines = input.rows.map((r) => {
    const where = r.groupName ? `**${escLine(r.groupName)}** · ` : '';
    const who = r.person ? nameOf(r.person) : 'nobody';
    const zone = r.groupName ? ` (${escLine(r.timezone)})` : '';
    return `- ${where}${who}${r.swapped ? ' ⇄' : ''}\n  ${when(r.startsAt, r.timezone)} → ${when(r.endsAt, r.timezone)}${zone}`;
  });
  const zones = [...new Set(input.rows.map((r) => r.timezone))];
  const footer = input.rows.some((r) => r.swapped) ? '⇄ includes a swapped day · ' : '';
  return card(header('turquoise', input.title), [
    md(lines.length ? lines.join('\n') : escLine(input.empty)),
    note(`${footer}${zones.length === 1 && !input.rows[0]?.groupName ? `Times in ${escLine(zones[0]!)}` : 'Times in each group’s zone'}`),
  ]);
}
