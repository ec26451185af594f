import { formatWhen, t, type Locale } from '../i18n';
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

const COLOR: Record<SwapRequestCardState, Template> = {
  pending: 'wathet',
  accepted: 'green',
  forced: 'green',
  declined: 'orange',
  expired: 'grey',
  cancelled: 'grey',
};

function outcome(v: SwapRequestView, L: Locale): string | null {
  const by = v.decider ? nameOf(v.decider) : t(L, 'swapRequest.someone');
  switch (v.state) {
    case 'pending':
      return null;
    case 'accepted':
      return t(L, v.to ? 'swapRequest.accepted' : 'swapRequest.took', { by });
    case 'forced':
      return t(L, 'swapRequest.forced', { by, who: v.to ? nameOf(v.to) : by });
    case 'declined':
      return t(L, 'swapRequest.declined', { by });
    case 'expired':
      return t(L, 'swapRequest.expired');
    case 'cancelled':
      return t(L, 'swapRequest.cancelledBy', { by });
  }
}

function buttons(v: SwapRequestView, audience: SwapRequestAudience, L: Locale): Button[] {
  if (v.state !== 'pending') return [];
  const accept = button(t(L, v.to ? 'swapRequest.accept' : 'swapRequest.take'), { a: 'sr_accept', r: v.id }, { type: 'primary' });
  const decline = button(t(L, 'swapRequest.decline'), { a: 'sr_decline', r: v.id });
  if (audience === 'requester') {
    const confirm: [string, string] = [t(L, 'swapRequest.cancelConfirmTitle'), t(L, 'swapRequest.cancelConfirmText')];
    return [button(t(L, 'swapRequest.cancel'), { a: 'sr_cancel', r: v.id }, { type: 'danger', confirm })];
  }
  return v.to ? [accept, decline] : [accept];
}

/** A swap request, pending (with the audience's buttons) or decided (its outcome, no buttons). */
export function swapRequestCard(v: SwapRequestView, audience: SwapRequestAudience, L: Locale): Card {
  const tz = v.timezone;
  const when = (d: Date): string => formatWhen(L, d, tz);
  const days = v.firstDay === v.lastDay ? v.firstDay : t(L, 'swapRequest.range', { first: v.firstDay, last: v.lastDay });
  const holder = v.from ? mention(v.from) : t(L, 'swapRequest.free');
  const requester = v.requester ? mention(v.requester) : t(L, 'swapRequest.anAdmin');
  const group = escLine(v.groupName);
  const lines = [
    v.to ? t(L, 'swapRequest.asks', { requester, to: mention(v.to), group }) : t(L, 'swapRequest.offers', { requester, group }),
    t(L, 'swapRequest.shift', { from: when(v.startsAt), to: when(v.endsAt) }),
    t(L, v.state === 'pending' ? 'swapRequest.heldBy' : 'swapRequest.wasHeldBy', { holder }),
  ];
  if (v.state === 'pending') lines.push(t(L, 'swapRequest.answerBefore', { when: when(v.expiresAt) }));
  const elements: Element[] = [md(lines.join('\n'))];
  const result = outcome(v, L);
  if (result) elements.push(md(result));
  const actions = buttons(v, audience, L);
  if (actions.length) elements.push(row(actions));
  elements.push(note(t(L, 'swapRequest.footer', { id: v.id, zone: escLine(tz) })));
  const title = t(L, `swapRequest.title.${v.state}`);
  const summary =
    v.state === 'pending'
      ? t(L, 'swapRequest.summaryAsks', { requester: v.requester?.name ?? t(L, 'swapRequest.anAdmin'), group: v.groupName, days })
      : t(L, 'swapRequest.summary', { title, group: v.groupName, days });
  return card(header(COLOR[v.state], t(L, 'swapRequest.titleOf', { title, group: v.groupName }), days), elements, summary);
}
