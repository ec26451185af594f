import { card, esc, escLine, header, md, note, type Card, type Element } from './card';
import { clip } from '../core/text';

export interface ErrorCardInput {
  /** Defaults to "That did not work". */
  title?: string;
  /** The stable AppError code (`validation_failed`, `not_found`, …). */
  code: string;
  message: string;
  /** One line per problem, e.g. `expr: unexpected ")"`. */
  details?: string[];
  /** What to do about it, e.g. "Usage: /silence <event> <duration>". */
  hint?: string;
}

const MAX_DETAILS = 20;

/** Every failure a user meets in chat looks the same: what failed, why, and what to try. */
export function errorCard(input: ErrorCardInput): Card {
  const details = input.details ?? [];
  const elements: Element[] = [md(esc(clip(input.message, 2000)))];
  if (details.length) {
    const shown = details.slice(0, MAX_DETAILS).map((d) => `- ${escLine(clip(d, 300))}`);
    if (details.length > MAX_DETAILS) shown.push(`- … ${details.length - MAX_DETAILS} more`);
    elements.push(md(shown.join('\n')));
  }
  if (input.hint) elements.push(note(esc(clip(input.hint, 500))));
  return card(header('red', input.title ?? 'That did not work', input.code), elements, `Error: ${input.message}`);
}
