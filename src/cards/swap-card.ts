import type { SwapFormField } from './actions';
import { card, escLine, header, md, text, type Card, type Element, type Person } from './card';
import { t, type Locale } from '../i18n';

export interface SwapCardInput {
  groupId: number;
  groupName: string;
  /** YYYY-MM-DD in the group's time zone: the earliest date a swap may take. */
  today: string;
  /** Offered in the person picker; with none, Feishu offers everyone in the chat. */
  members?: Person[];
  /** Why the last submit was refused. */
  error?: string | null;
  locale: Locale;
}

/**
 * A swap request from a card: pick a date and a person and submit `{a:'swap', g:groupId}`,
 * or offer the day to the whole group (`{a:'swap', g, o:1}`, no person needed).
 */
export function swapCard(input: SwapCardInput): Card {
  const L = input.locale;
  const elements: Element[] = [];
  if (input.error) elements.push(md(t(L, 'swap.notSent', { error: escLine(input.error) })));
  elements.push(md(t(L, 'swap.intro', { group: escLine(input.groupName) })));
  const options = (input.members ?? []).flatMap((m) => (m.openId ? [{ value: m.openId }] : []));
  elements.push({
    tag: 'form',
    name: 'swap_form',
    elements: [
      { tag: 'date_picker', name: 'date' satisfies SwapFormField, placeholder: text(t(L, 'swap.date')), initial_date: input.today, required: true, width: 'fill' },
      {
        tag: 'select_person',
        name: 'user' satisfies SwapFormField,
        placeholder: text(t(L, 'swap.who')),
        ...(options.length ? { options } : {}),
        width: 'fill',
      },
      {
        tag: 'button',
        text: text(t(L, 'swap.ask')),
        type: 'primary',
        name: 'swap_submit',
        form_action_type: 'submit',
        behaviors: [{ type: 'callback', value: { a: 'swap', g: input.groupId } }],
      },
      {
        tag: 'button',
        text: text(t(L, 'swap.offer')),
        type: 'default',
        name: 'swap_offer',
        form_action_type: 'submit',
        behaviors: [{ type: 'callback', value: { a: 'swap', g: input.groupId, o: 1 } }],
      },
    ],
  });
  return card(header(input.error ? 'red' : 'turquoise', t(L, 'swap.title', { group: input.groupName })), elements);
}
