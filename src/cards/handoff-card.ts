import { card, escLine, header, md, mention, nameOf, note, type Card, type Person } from './card';
import { formatTime } from '../core/text';

export interface HandoffCardInput {
  groupName: string;
  current: Person;
  next?: Person | null;
  nextHandoffAt?: Date | null;
  timezone: string;
}

/** Posted in the group chat at handoff time; mentions the person now on call. */
export function handoffCard(input: HandoffCardInput): Card {
  const lines = [`**On call now:** ${mention(input.current)}`];
  if (input.next || input.nextHandoffAt) {
    const when = input.nextHandoffAt ? ` from ${formatTime(input.nextHandoffAt, input.timezone, 'YYYY-MM-DD HH:mm')}` : '';
    lines.push(`**Next:** ${input.next ? nameOf(input.next) : 'nobody'}${when}`);
  }
  return card(
    header('turquoise', `On-call handoff: ${input.groupName}`),
    [md(lines.join('\n')), note(`Times in ${escLine(input.timezone)}`)],
    `${input.current.name} is on call for ${input.groupName}`,
  );
}
