import { card, esc, escLine, header, md, note, type Card } from './card';
import { clip } from '../core/text';
import { formatWhen, t, type Locale } from '../i18n';

/** One dead letter as the announcement shows it. */
export interface DeadLetterRow {
  id: number;
  receivedAt: Date;
  receiver: string;
  alerts: number;
  /** The alert names it carries (distinct). */
  alertnames: string[];
  /** Why it could not be stored, as the database said it. */
  error: string;
}

export interface DeadLetterCardInput {
  /** The first few, oldest first. */
  letters: DeadLetterRow[];
  /** How many this card announces (more than `letters` when it is a burst). */
  total: number;
  timezone: string;
  locale: Locale;
}

const API = '/api/v1/alerts/dead-letters';

/**
 * Told once per dead letter (a burst shares one card), in the default send group's chat:
 * notifications Alertmanager was told promduty has, that no alert card shows. Says where to
 * look and how to replay; the error is the database's message, clipped.
 */
export function deadLetterCard(input: DeadLetterCardInput): Card {
  const { letters, total, timezone, locale: L } = input;
  const title = total === 1 ? t(L, 'deadLetter.titleOne') : t(L, 'deadLetter.titleMany', { count: total });
  const rows = letters.map((l) => {
    const names = l.alertnames.length ? l.alertnames.join(', ') : t(L, 'deadLetter.noAlertname');
    const what = `**#${l.id}** ${escLine(clip(names, 100))} · ${t(L, 'deadLetter.alerts', { count: l.alerts })} · ${t(L, 'deadLetter.receiver', { name: escLine(clip(l.receiver, 60)) })}`;
    return `- ${what} · ${t(L, 'deadLetter.received', { when: formatWhen(L, l.receivedAt, timezone) })}\n  ${escLine(clip(l.error, 240))}`;
  });
  if (total > letters.length) rows.push(`- ${t(L, 'deadLetter.more', { count: total - letters.length })}`);
  return card(
    header('red', title, t(L, 'deadLetter.subtitle')),
    [md(t(L, 'deadLetter.intro')), md(rows.join('\n')), note(esc(t(L, 'deadLetter.whatToDo', { api: API })))],
    title,
  );
}
