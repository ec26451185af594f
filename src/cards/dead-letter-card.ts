import { card, esc, escLine, header, md, note, type Card } from './card';
import { clip, formatTime } from '../core/text';

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
}

const API = '/api/v1/alerts/dead-letters';

/**
 * Told once per dead letter (a burst shares one card), in the default send group's chat:
 * notifications Alertmanager was told promduty has, that no alert card shows. Says where to
 * look and how to replay; the error is the database's message, clipped.
 */
export function deadLetterCard(input: DeadLetterCardInput): Card {
  const { letters, total, timezone } = input;
  const title = total === 1 ? 'An alert notification could not be stored' : `${total} alert notifications could not be stored`;
  const rows = letters.map((l) => {
    const names = l.alertnames.length ? l.alertnames.join(', ') : 'no alertname';
    const what = `**#${l.id}** ${escLine(clip(names, 100))} · ${l.alerts} alert${l.alerts === 1 ? '' : 's'} · receiver ${escLine(clip(l.receiver, 60))}`;
    return `- ${what} · received ${formatTime(l.receivedAt, timezone, 'MM-DD HH:mm:ss')}\n  ${escLine(clip(l.error, 240))}`;
  });
  if (total > letters.length) rows.push(`- … and ${total - letters.length} more`);
  return card(
    header('red', title, 'dead letters'),
    [
      md('Alertmanager was told these notifications arrived, but promduty could not store them, so no alert card shows them. Each is kept whole as a dead letter: nothing is lost.'),
      md(rows.join('\n')),
      note(
        esc(
          `What to do: list them with GET ${API} (admin token) and read each error; fix its cause, then replay one with ` +
            `POST ${API}/<id>/retry. DELETE ${API}/<id> drops one you do not need.`,
        ),
      ),
    ],
    title,
  );
}
