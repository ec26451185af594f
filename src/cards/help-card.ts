import { card, escLine, header, md, note, type Card } from './card';
import { t, type Locale } from '../i18n';

/** A command as /help shows it, already in the reader's language. */
export interface HelpCommand { usage: string; description: string; aliases: string[] }
export interface HelpCardInput { locale: Locale; commands: HelpCommand[]; footer?: string }

/** `/help`: every command with its usage; the other language's name beside it. */
export function helpCard(input: HelpCardInput): Card {
  const lines = input.commands.map((c) => {
    const also = c.aliases.length ? ` · ${escLine(t(input.locale, 'chat.help.aliases', { aliases: c.aliases.join(' ') }))}` : '';
    return `**${escLine(c.usage)}**${also}\n${escLine(c.description)}`;
  });
  const elements = [md(lines.join('\n\n'))];
  if (input.footer) elements.push(note(escLine(input.footer)));
  return card(header('blue', t(input.locale, 'chat.help.title')), elements);
}
