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

/** A shift swap from a card: pick a date and a person, submit `{a:'swap', g:groupId}`. */
export function swapCard(input: SwapCardInput): Card {
  const elements: Element[] = [];
  if (input.error) elements.push(md(`<font color='red'>**Not swapped:** ${escLine(input.error)}</font>`));
  elements.push(md(`Put someone else on call in **${escLine(input.groupName)}** for one day.`));
  const options = (input.members ?? []).flatMap((m) => (m.openId ? [{ value: m.openId }] : []));
  elements.push({
    tag: 'form',
    name: 'swap_form',
    elements: [
      { tag: 'date_picker', name: 'date' satisfies SwapFormField, placeholder: text('Date'), initial_date: input.today, required: true, width: 'fill' },
      {
        tag: 'select_person',
        name: 'user' satisfies SwapFormField,
        placeholder: text('Who takes the shift'),
        ...(options.length ? { options } : {}),
        required: true,
        width: 'fill',
      },
      {
        tag: 'button',
        text: text('Swap'),
        type: 'primary',
        name: 'swap_submit',
        form_action_type: 'submit',
        behaviors: [{ type: 'callback', value: { a: 'swap', g: input.groupId } }],
      },
    ],
  });
  return card(header(input.error ? 'red' : 'turquoise', `Swap a shift: ${input.groupName}`), elements);
}
