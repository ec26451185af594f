import { card, escLine, header, md, mention, nameOf, note, type Card, type Person } from './card';
import { formatTime } from '../core/text';

export interface HandoffCardInput {
  groupName: string;
  current: Person;
  /** Who was on call before the handoff (null: nobody; the same person: their shift goes on). */
  previous?: Person | null;
  next?: Person | null;
  nextHandoffAt?: Date | null;
  timezone: string;
}

const samePerson = (a: Person, b: Person): boolean => (a.openId && b.openId ? a.openId === b.openId : a.name === b.name);

/** Posted in the group chat at handoff time; mentions the incoming and the outgoing person. */
export function handoffCard(input: HandoffCardInput): Card {
  const continues = input.previous ? samePerson(input.previous, input.current) : false;
  const lines = [`**On call now:** ${mention(input.current)}${continues ? ' (continues)' : ''}`];
  if (input.previous && !continues) lines.push(`**Handed over by:** ${mention(input.previous)}`);
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
