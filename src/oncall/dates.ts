/**
 * Calendar days as 'YYYY-MM-DD' strings with exact integer arithmetic (proleptic Gregorian,
 * Howard Hinnant's days-from-civil). No Date object and no time zone is involved, so no DST
 * change or host TZ can move a day. Internally a day is its "epoch day": days since 1970-01-01.
 */
import { invalidField } from '../core/errors';
// Not '../i18n': its date formatting imports this module.
import { fieldError } from '../i18n/errors';

/** 'YYYY-MM-DD', a calendar day (in a group's time zone, where that matters). */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

function civilToEpochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Parses a Day; `field` names the input in the validation error. */
export function toEpochDay(day: Day, field = 'day'): number {
  const m = DAY_RE.exec(day);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const dom = Number(m?.[3]);
  if (!m || month < 1 || month > 12 || dom < 1 || dom > daysInMonth(year, month)) {
    throw fieldError(field, 'oncallErr.notADay', { day: String(day) });
  }
  return civilToEpochDay(year, month, dom);
}

const TWO_DIGITS = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, '0'));
const monthPrefix = (year: number, month: number): string => `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-`;

function civilFromEpochDay(epochDay: number): [year: number, month: number, day: number] {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) throw invalidField('day', `day ${epochDay} is outside years 0000-9999`);
  return [year, month, dayOfYear - Math.floor((153 * mp + 2) / 5) + 1];
}

export function fromEpochDay(epochDay: number): Day {
  const [year, month, dom] = civilFromEpochDay(epochDay);
  return monthPrefix(year, month) + TWO_DIGITS[dom];
}

/** `count` consecutive days from `firstEpochDay`, formatted far faster than one by one. */
export function consecutiveDays(firstEpochDay: number, count: number): Day[] {
  const out: Day[] = [];
  if (count <= 0) return out;
  let [year, month, dom] = civilFromEpochDay(firstEpochDay);
  civilFromEpochDay(firstEpochDay + count - 1); // range check of the last day
  let prefix = monthPrefix(year, month);
  let monthLength = daysInMonth(year, month);
  for (let i = 0; i < count; i++) {
    out.push(prefix + TWO_DIGITS[dom]);
    if (++dom > monthLength) {
      dom = 1;
      if (++month > 12) {
        month = 1;
        year++;
      }
      prefix = monthPrefix(year, month);
      monthLength = daysInMonth(year, month);
    }
  }
  return out;
}

export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  try {
    toEpochDay(value);
    return true;
  } catch {
    return false;
  }
}

/** The day `n` calendar days after `day` (before it when n < 0). */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw invalidField('n', 'must be a whole number of days');
  return fromEpochDay(toEpochDay(day) + n);
}

/** Calendar days from `a` to `b`: positive when b is later, 0 for the same day. */
export function daysBetween(a: Day, b: Day): number {
  return toEpochDay(b, 'b') - toEpochDay(a, 'a');
}

/** 0 = Monday … 6 = Sunday (1970-01-01, epoch day 0, was a Thursday). */
export function weekdayIndex(day: Day): number {
  return (((toEpochDay(day) + 3) % 7) + 7) % 7;
}
