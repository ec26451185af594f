import { formatTime } from '../core/text';
import { button, card, escLine, header, md, mention, nameOf, note, row, type Button, type Card, type Element, type Person, type Template } from './card';

export type SwapRequestCardState = 'pending' | 'accepted' | 'declined' | 'expired' | 'cancelled' | 'forced';

export interface SwapRequestView {
  id: number;
  groupName: string;
  /** YYYY-MM-DD, the days asked for. */
  firstDay: string;
  lastDay: string;
  /** The first day's handoff and the handoff after the last day. */
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  /** Who holds the days (null: nobody). */
  from: Person | null;
  /** Who is asked (null: an offer to the whole group). */
  to: Person | null;
  requester: Person | null;
  state: SwapRequestCardState;
  /** Who accepted (took), declined, cancelled or forced it. */
  decider: Person | null;
  expiresAt: Date;
}

/**
 * Who the copy is for, which decides its buttons while the request is pending: the person
 * asked gets Accept / Decline, the requester Cancel, the group chat Accept / Decline (an
 * offer: "Take this shift"). Every click is authorized again by the server.
 */
export type SwapRequestAudience = 'addressee' | 'requester' | 'group';

const when = (d: Date, tz: string): string => formatTime(d, tz, 'ddd YYYY-MM-DD HH:mm');

const TITLE: Record<SwapRequestCardState, string> = {
  pending: 'Shift swap request',
  accepted: 'Shift swap accepted',
  declined: 'Shift swap declined',
  expired: 'Shift swap request expired',
  cancelled: 'Shift swap request cancelled',
  forced: 'Shift swap forced by an admin',
};
const COLOR: Record<SwapRequestCardState, Template> = {
  pending: 'wathet',
  accepted: 'green',
  forced: 'green',
  declined: 'orange',
  expired: 'grey',
  cancelled: 'grey',
};

function outcome(v: SwapRequestView): string | null {
  const by = v.decider ? nameOf(v.decider) : 'someone';
  switch (v.state) {
    case 'pending':
      return null;
    case 'accepted':
      return `✅ ${by} ${v.to ? 'accepted' : 'took the shift'}: ${by} is on call then.`;
    case 'forced':
      return `✅ ${by} (admin) forced the swap: ${v.to ? nameOf(v.to) : by} is on call then.`;
    case 'declined':
      return `❌ ${by} declined; the roster is unchanged.`;
    case 'expired':
      return '⌛ Nobody answered before the shift began; the roster is unchanged.';
    case 'cancelled':
      return `🚫 ${by} cancelled the request; the roster is unchanged.`;
  }
}

function buttons(v: SwapRequestView, audience: SwapRequestAudience): Button[] {
  if (v.state !== 'pending') return [];
  const accept = button(v.to ? 'Accept' : 'Take this shift', { a: 'sr_accept', r: v.id }, { type: 'primary' });
  const decline = button('Decline', { a: 'sr_decline', r: v.id });
  if (audience === 'requester') return [button('Cancel request', { a: 'sr_cancel', r: v.id }, { type: 'danger', confirm: ['Cancel this request?', 'Nobody will be able to accept it any more.'] })];
  return v.to ? [accept, decline] : [accept];
}

/** A swap request, pending (with the audience's buttons) or decided (its outcome, no buttons). */
export function swapRequestCard(v: SwapRequestView, audience: SwapRequestAudience): Card {
  const tz = v.timezone;
  const days = v.firstDay === v.lastDay ? v.firstDay : `${v.firstDay} to ${v.lastDay}`;
  const holder = v.from ? mention(v.from) : 'nobody (a free shift)';
  const lines = [
    v.to
      ? `${v.requester ? mention(v.requester) : 'An admin'} asks ${mention(v.to)} to take this shift in **${escLine(v.groupName)}**.`
      : `${v.requester ? mention(v.requester) : 'An admin'} offers this shift in **${escLine(v.groupName)}** to anyone in the group: the first to take it has it.`,
    `**Shift:** ${when(v.startsAt, tz)} → ${when(v.endsAt, tz)}`,
    `**${v.state === 'pending' ? 'Held by' : 'Was held by'}:** ${holder}`,
  ];
  if (v.state === 'pending') lines.push(`**Answer before:** ${when(v.expiresAt, tz)} (then it expires)`);
  const elements: Element[] = [md(lines.join('\n'))];
  const result = outcome(v);
  if (result) elements.push(md(result));
  const actions = buttons(v, audience);
  if (actions.length) elements.push(row(actions));
  elements.push(note(`Request #${v.id} · times in ${escLine(tz)}`));
  const summary = v.state === 'pending' ? `${v.requester?.name ?? 'An admin'} asks: ${v.groupName} ${days}` : `${TITLE[v.state]}: ${v.groupName} ${days}`;
  return card(header(COLOR[v.state], `${TITLE[v.state]}: ${v.groupName}`, days), elements, summary);
}
