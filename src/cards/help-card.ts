import { card, escLine, header, md, note, type Card } from './card';

export interface HelpCommand { usage: string; description: string }
export interface HelpCardInput { commands: HelpCommand[]; title?: string; footer?: string }

/** `/help`: every command with its usage. */
export function helpCard(input: HelpCardInput): Card {
  const lines = input.commands.map((c) => `**${escLine(c.usage)}**\n${escLine(c.description)}`);
  const elements = [md(lines.join('\n\n'))];
  if (input.footer) elements.push(note(escLine(input.footer)));
  return card(header('blue', input.title ?? 'promduty commands'), elements);
}
