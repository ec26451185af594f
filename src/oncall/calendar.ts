import { fieldError } from '../i18n';
import { addDays, daysInMonth, weekdayIndex, type Day } from './dates';

/**
 * The weeks of a month calendar card, Monday first: every week has 7 days, the first holds
 * the 1st and the last holds the month's last day, so 4 to 6 weeks. Days of the neighbouring
 * months fill the edges (callers dim them: `day.startsWith('YYYY-MM')`).
 */
export function monthGrid(year: number, month: number): Day[][] {
  if (!Number.isInteger(year) || year < 1 || year > 9998) throw fieldError('year', 'oncallErr.year');
  if (!Number.isInteger(month) || month < 1 || month > 12) throw fieldError('month', 'oncallErr.month');
  const firstOfMonth = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
  const gridStart = addDays(firstOfMonth, -weekdayIndex(firstOfMonth));
  const weekCount = Math.ceil((weekdayIndex(firstOfMonth) + daysInMonth(year, month)) / 7);
  return Array.from({ length: weekCount }, (_, w) =>
    Array.from({ length: 7 }, (_, i) => addDays(gridStart, w * 7 + i)),
  );
}
