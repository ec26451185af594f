import type { SwapFormField } from './actions';
import { card, escLine, header, md, text, type Card, type Element, type Person } from './card';

export interface SwapCardInput {
  groupId: number;
  groupName: string;
  /** YYYY-MM-DD in the group's time zone: the earliest date a swap may take. */
  today: string;
  /** Offered in the person picker; with none, Feishu offers everyone in the chat. */
  members?: Person[];
  /** Why the last submit was refused. */
  error?: string | null;
}

/**
 * A swap request from a card: pick a date and a person and submit `{a:'swap', g:groupId}`,
 * or offer the day to the whole group (`{a:'swap', g, o:1}`, no person needed).
 */
export function swapCard(input: SwapCardInput): Card {
  const elements: Element[] = [];
  if (input.error) elements.push(md(`<font color='red'>**Not sent:** ${escLine(input.error)}</font>`));
  elements.push(
    md(`Ask someone to take your shift in **${escLine(input.groupName)}** on a day, or offer it to the whole group. It changes hands once they accept.`),
  );
  const options = (input.members ?? []).flatMap((m) => (m.openId ? [{ value: m.openId }] : []));
  elements.push({
    tag: 'form',
    name: 'swap_form',
    elements: [
      { tag: 'date_picker', name: 'date' satisfies SwapFormField, placeholder: text('Date'), initial_date: input.today, required: true, width: 'fill' },
      {
        tag: 'select_person',
        name: 'user' satisfies SwapFormField,
        placeholder: text('Who should take it'),
        ...(options.length ? { options } : {}),
        width: 'fill',
      },
      {
        tag: 'button',
        text: text('Ask them'),
        type: 'primary',
        name: 'swap_submit',
        form_action_type: 'submit',
        behaviors: [{ type: 'callback', value: { a: 'swap', g: input.groupId } }],
      },
      {
        tag: 'button',
        text: text('Offer to the group'),
        type: 'default',
        name: 'swap_offer',
        form_action_type: 'submit',
        behaviors: [{ type: 'callback', value: { a: 'swap', g: input.groupId, o: 1 } }],
      },
    ],
  });
  return card(header(input.error ? 'red' : 'turquoise', `Swap a shift: ${input.groupName}`), elements);
}
