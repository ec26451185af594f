import { button, card, escLine, header, md, note, row, type Card, type ColumnSet, type Element } from './card';
import { clip } from '../core/text';
import { fieldError, t, weekdayName, type Locale } from '../i18n';

export interface RosterDay {
  /** YYYY-MM-DD */
  day: string;
  userName: string | null;
  reason: 'history' | 'rotation' | 'swap' | 'none';
}
export interface RosterCardInput {
  groupName: string;
  /** With it, the card has previous / next month buttons. */
  groupId?: number;
  /** YYYY-MM */
  month: string;
  days: RosterDay[];
  /** YYYY-MM-DD in the group's time zone; highlighted when inside the month. */
  today?: string | null;
  timezone?: string;
  locale: Locale;
}

// A Monday..Sunday week (2024-01-01 was a Monday): the calendar's column heads.
const WEEK = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07'];
const monthName = (L: Locale, m: number): string => t(L, `month.${m}` as 'month.1');

// Seven columns that stay seven on phones too: a calendar that reflows is no calendar.
const week = (cells: string[]): ColumnSet => ({
  tag: 'column_set',
  flex_mode: 'none',
  horizontal_spacing: 'small',
  columns: cells.map((c) => ({ tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements: [md(c, 'notation')] })),
});

const monthKey = (y: number, m: number): string => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;

/**
 * What fits a seventh of a phone screen (about 50 px): the first name, at most 6 characters.
 * When two people of the month would look the same, both show their full names, clipped.
 */
function shortNames(names: string[]): Map<string, string> {
  const first = (n: string): string => clip(n.trim().split(/\s+/)[0] ?? n, 6);
  const counts = new Map<string, number>();
  for (const n of names) counts.set(first(n), (counts.get(first(n)) ?? 0) + 1);
  return new Map(names.map((n) => [n, (counts.get(first(n)) ?? 0) > 1 ? clip(n, 8) : first(n)]));
}

/** A month of daily shifts listed line by line would only repeat the grid: past this, only swaps are listed. */
const MAX_LISTED_SHIFTS = 10;

/** Consecutive days of one person: `3–5 Alice Chen`, swapped ones marked. */
function runsOf(days: RosterDay[]): { line: string; swapped: boolean }[] {
  const out: { line: string; swapped: boolean }[] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1]!.userName === days[i]!.userName) j++;
    const name = days[i]!.userName;
    if (name) {
      const a = Number(days[i]!.day.slice(8));
      const b = Number(days[j]!.day.slice(8));
      const swapped = days.slice(i, j + 1).some((d) => d.reason === 'swap');
      out.push({ line: `- **${a === b ? a : `${a}–${b}`}** ${escLine(clip(name, 40))}${swapped ? ' ⇄' : ''}`, swapped });
    }
    i = j + 1;
  }
  return out;
}

/**
 * `/roster`: the month as a Monday-first calendar (first names, so seven columns stay
 * readable on a phone), then the month's shifts in full names (only the swapped ones when
 * there are many); today and swaps marked;
 * previous / next month buttons when the group id is given.
 */
export function rosterCard(input: RosterCardInput): Card {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(input.month);
  if (!m) throw fieldError('month', 'oncallErr.monthFormat');
  const L = input.locale;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const inMonth = input.days.filter((d) => d.day.startsWith(input.month)).sort((a, b) => a.day.localeCompare(b.day));
  const byDay = new Map(inMonth.map((d) => [d.day, d]));
  const short = shortNames([...new Set(inMonth.flatMap((d) => (d.userName ? [d.userName] : [])))]);
  const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
  const prevDays = daysIn(year, month - 1);

  const cells: string[] = [];
  for (let i = lead; i > 0; i--) cells.push(`<font color='grey'>${prevDays - i + 1}</font>`);
  for (let d = 1; d <= daysIn(year, month); d++) {
    const key = `${input.month}-${String(d).padStart(2, '0')}`;
    const entry = byDay.get(key);
    const num = key === input.today ? `<text_tag color='blue'>${d}</text_tag>` : `**${d}**`;
    const name = entry?.userName ? escLine(short.get(entry.userName) ?? entry.userName) : '—';
    cells.push(`${num}\n${name}${entry?.reason === 'swap' ? ' ⇄' : ''}`);
  }
  for (let d = 1; cells.length % 7; d++) cells.push(`<font color='grey'>${d}</font>`);

  const elements: Element[] = [week(WEEK.map((d) => `**${weekdayName(L, d)}**`))];
  for (let i = 0; i < cells.length; i += 7) elements.push(week(cells.slice(i, i + 7)));
  const runs = runsOf(inMonth);
  const listed = runs.length <= MAX_LISTED_SHIFTS ? runs : runs.filter((r) => r.swapped);
  if (listed.length) elements.push(md(`${listed.length < runs.length ? `${t(L, 'roster.swaps')}\n` : ''}${listed.map((r) => r.line).join('\n')}`));
  if (input.groupId !== undefined) {
    const prev = month === 1 ? [year - 1, 12] : [year, month - 1];
    const next = month === 12 ? [year + 1, 1] : [year, month + 1];
    elements.push(
      row([
        button(`◀ ${monthName(L, prev[1]!)}`, { a: 'roster', g: input.groupId, m: monthKey(prev[0]!, prev[1]!) }),
        button(`${monthName(L, next[1]!)} ▶`, { a: 'roster', g: input.groupId, m: monthKey(next[0]!, next[1]!) }),
      ]),
    );
  }
  const zone = input.timezone ? t(L, 'roster.daysIn', { zone: escLine(input.timezone) }) : '';
  elements.push(note(`${t(L, 'roster.legend')}${zone}`));
  const subtitle = t(L, 'roster.monthYear', { month: monthName(L, month), year });
  return card(header('indigo', t(L, 'roster.title', { group: input.groupName }), subtitle), elements);
}
