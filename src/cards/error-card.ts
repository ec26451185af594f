import { card, esc, escLine, header, md, note, type Card, type Element } from './card';
import { clip } from '../core/text';
import type { ErrorText } from '../i18n';

/** What went wrong and what to type instead (src/i18n/errors.ts describeError); never an error code. */
export type ErrorCardInput = ErrorText;

const MAX_DETAILS = 20;

/** Every failure a user meets in chat looks the same: what failed, why, and what to try. */
export function errorCard(input: ErrorCardInput): Card {
  const details = input.details ?? [];
  const elements: Element[] = [md(esc(clip(input.message, 2000)))];
  if (details.length) {
    const shown = details.slice(0, MAX_DETAILS).map((d) => `- ${escLine(clip(d, 300))}`);
    if (details.length > MAX_DETAILS) shown.push(`- … +${details.length - MAX_DETAILS}`);
    elements.push(md(shown.join('\n')));
  }
  if (input.hint) elements.push(note(esc(clip(input.hint, 500))));
  return card(header('red', input.title), elements, `${input.title}: ${input.message}`);
}
