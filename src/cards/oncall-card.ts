import { card, escLine, header, hr, md, nameOf, note, type Card, type Element, type Person } from './card';
import { formatTime } from '../core/text';

export interface OncallGroupView {
  name: string;
  current: Person | null;
  next?: Person | null;
  nextHandoffAt?: Date | null;
}
export interface OncallCardInput { groups: OncallGroupView[]; timezone: string }

// Names, not mentions: asking who is on call should not ping them.
const who = (p: Person | null | undefined): string => (p ? nameOf(p) : 'nobody');

/** `/oncall`: who is on call now in each group, who is next and from when. */
export function oncallCard(input: OncallCardInput): Card {
  const elements: Element[] = [];
  for (const [i, g] of input.groups.entries()) {
    if (i > 0) elements.push(hr());
    const lines = [`**${escLine(g.name)}**`, `On call now: ${who(g.current)}`];
    if (g.next || g.nextHandoffAt) {
      const when = g.nextHandoffAt ? ` from ${formatTime(g.nextHandoffAt, input.timezone, 'YYYY-MM-DD HH:mm')}` : '';
      lines.push(`Next: ${who(g.next)}${when}`);
    }
    elements.push(md(lines.join('\n')));
  }
  if (!input.groups.length) elements.push(md('No on-call groups match.'));
  elements.push(note(`Times in ${escLine(input.timezone)}`));
  const only = input.groups.length === 1 ? input.groups[0] : undefined;
  return card(header('turquoise', only ? `On call: ${only.name}` : 'On call now'), elements);
}
