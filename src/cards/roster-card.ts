import { invalidField } from '../core/errors';
import { card, escLine, header, md, note, type Card, type ColumnSet } from './card';
import { clip } from '../core/text';

export interface RosterDay {
  /** YYYY-MM-DD */
  day: string;
  userName: string | null;
  reason: 'history' | 'rotation' | 'swap' | 'none';
}
export interface RosterCardInput {
  groupName: string;
  /** YYYY-MM */
  month: string;
  days: RosterDay[];
  /** YYYY-MM-DD in the group's time zone; highlighted when inside the month. */
  today?: string | null;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// Seven columns that stay seven on phones too: a calendar that reflows is no calendar.
const week = (cells: string[]): ColumnSet => ({
  tag: 'column_set',
  flex_mode: 'none',
  horizontal_spacing: 'small',
  columns: cells.map((c) => ({ tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements: [md(c, 'notation')] })),
});

/** `/roster`: the month as a Monday-first calendar, each day with its person, swaps marked. */
export function rosterCard(input: RosterCardInput): Card {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(input.month);
  if (!m) throw invalidField('month', 'must be YYYY-MM');
  const year = Number(m[1]);
  const month = Number(m[2]);
  const byDay = new Map(input.days.map((d) => [d.day, d]));
  const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
  const prevDays = daysIn(year, month - 1);

  const cells: string[] = [];
  for (let i = lead; i > 0; i--) cells.push(`<font color='grey'>${prevDays - i + 1}</font>`);
  for (let d = 1; d <= daysIn(year, month); d++) {
    const key = `${input.month}-${String(d).padStart(2, '0')}`;
    const entry = byDay.get(key);
    const num = key === input.today ? `<text_tag color='blue'>${d}</text_tag>` : `**${d}**`;
    const name = entry?.userName ? escLine(clip(entry.userName, 14)) : '—';
    cells.push(`${num}\n${name}${entry?.reason === 'swap' ? ' ⇄' : ''}`);
  }
  for (let d = 1; cells.length % 7; d++) cells.push(`<font color='grey'>${d}</font>`);

  const weeks: ColumnSet[] = [week(WEEKDAYS.map((w) => `**${w}**`))];
  for (let i = 0; i < cells.length; i += 7) weeks.push(week(cells.slice(i, i + 7)));
  return card(header('indigo', `Roster: ${input.groupName}`, `${MONTHS[month - 1]} ${year}`), [
    ...weeks,
    note(`⇄ swapped shift · <text_tag color='blue'>n</text_tag> today · — nobody scheduled`),
  ]);
}
