import type { Knex } from 'knex';
import type { Person } from '../cards/card';
import { swapRequestCard, type SwapRequestAudience, type SwapRequestView } from '../cards/swap-request-card';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import { isPermanentSendFailure, type CardSender } from '../core/ports';
import { addDays } from './dates';
import { shiftStartsAt } from './shifts';
import { loadGroup, peopleById, type OncallGroup, type OncallPerson } from './store';
import { loadRequest, type SwapRequest, type SwapRequestChange } from './swap-request-rows';

const person = (p: OncallPerson | undefined): Person | null => (p ? { name: p.name, openId: p.openId } : null);

/** The card view of a request: its people by name and open_id, its times in the group's zone. */
export function requestView(r: SwapRequest, group: OncallGroup, people: Map<number, OncallPerson>): SwapRequestView {
  const at = (id: number | null) => (id === null ? null : person(people.get(id)));
  return {
    id: r.id,
    groupName: group.name,
    firstDay: r.firstDay,
    lastDay: r.lastDay,
    startsAt: shiftStartsAt(group, r.firstDay),
    endsAt: shiftStartsAt(group, addDays(r.lastDay, 1)),
    timezone: group.timezone,
    from: at(r.fromUserId),
    to: at(r.toUserId),
    requester: at(r.requestedBy),
    state: r.state,
    decider: at(r.decidedBy),
    expiresAt: r.expiresAt,
  };
}

export async function loadRequestView(db: Knex, r: SwapRequest): Promise<{ view: SwapRequestView; group: OncallGroup; people: Map<number, OncallPerson> }> {
  const group = await loadGroup(db, r.groupId);
  const ids = [r.fromUserId, r.toUserId, r.requestedBy, r.decidedBy].filter((x): x is number => x !== null);
  const people = await peopleById(db, [...ids, ...group.members]);
  return { view: requestView(r, group, people), group, people };
}

interface Target {
  /** open_id or chat id; also the key the copy is recorded under. */
  receiveId: string;
  chat: boolean;
  audience: SwapRequestAudience;
  uuid: string;
}

/**
 * What people are told about a swap request, run as a job after each change. A new request:
 * the person asked gets a private card with Accept / Decline, and the group's chat a copy
 * that @-mentions them (an offer goes to the chat with "Take this shift", or privately to
 * every other member when the group has no chat). A decision: every copy is replaced by the
 * outcome, both sides are told privately (not whoever clicked: their card already shows it)
 * and the chat gets the outcome. Idempotent: each message has a deterministic uuid, so a
 * retried job sends nothing twice.
 */
export class SwapNoticeService {
  constructor(
    private readonly db: Knex,
    private readonly sender: CardSender,
    private readonly logger: Logger,
    private readonly locale: Locale,
  ) {}

  async send(change: SwapRequestChange): Promise<string> {
    const r = await loadRequest(this.db, change.requestId);
    if (!r) return 'gone';
    // A request decided before its "new request" job ran is announced by the decision's job.
    if (change.state === 'pending' && r.state !== 'pending') return 'decided already';
    let loaded;
    try {
      loaded = await loadRequestView(this.db, r);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return 'gone';
      throw e;
    }
    const { view, group, people } = loaded;
    return r.state === 'pending' ? this.announce(r, view, group, people) : this.settle(r, view, group, people);
  }

  private async announce(r: SwapRequest, view: SwapRequestView, group: OncallGroup, people: Map<number, OncallPerson>): Promise<string> {
    const targets: Target[] = [];
    const privately = (userId: number, audience: SwapRequestAudience) => {
      const openId = people.get(userId)?.openId;
      if (openId) targets.push({ receiveId: openId, chat: false, audience, uuid: `swr-${r.id}-ask-u${userId}` });
    };
    if (r.toUserId !== null) privately(r.toUserId, 'addressee');
    else if (!group.feishuChatId) for (const m of group.members) if (m !== r.fromUserId && m !== r.requestedBy) privately(m, 'group');
    if (group.feishuChatId) targets.push({ receiveId: group.feishuChatId, chat: true, audience: 'group', uuid: `swr-${r.id}-ask-chat` });
    for (const t of targets) {
      const card = swapRequestCard(view, t.audience, this.locale);
      const sent = await this.deliver(t.chat ? 'chat' : 'user', t.receiveId, card, t.uuid, r.id);
      if (sent) await this.db('oncall_swap_request_messages').insert({ request_id: r.id, receive_id: t.receiveId, message_id: sent }).onConflict(['request_id', 'receive_id']).ignore();
    }
    return `asked ${targets.length}`;
  }

  private async settle(r: SwapRequest, view: SwapRequestView, group: OncallGroup, people: Map<number, OncallPerson>): Promise<string> {
    const copies = await this.db('oncall_swap_request_messages').where('request_id', r.id).select('message_id');
    for (const c of copies) {
      try {
        await this.sender.patch(c.message_id, swapRequestCard(view, 'group', this.locale));
      } catch (e) {
        if (!isPermanentSendFailure(e)) throw e;
        this.logger.warn({ err: e, requestId: r.id, messageId: c.message_id }, 'swap request card could not be updated; skipped');
      }
    }
    const sides = new Set([r.requestedBy, r.fromUserId, r.toUserId ?? r.decidedBy].filter((x): x is number => x !== null));
    if (r.state !== 'expired' && r.decidedBy !== null) sides.delete(r.decidedBy);
    for (const userId of sides) {
      const openId = people.get(userId)?.openId;
      if (openId) await this.deliver('user', openId, swapRequestCard(view, 'requester', this.locale), `swr-${r.id}-${r.state}-u${userId}`, r.id);
    }
    if (group.feishuChatId) await this.deliver('chat', group.feishuChatId, swapRequestCard(view, 'group', this.locale), `swr-${r.id}-${r.state}-chat`, r.id);
    return `${r.state}: ${copies.length} updated, ${sides.size} told`;
  }

  /** The message id, or null when Feishu is off or refused for good (logged). Throws what a retry may fix. */
  private async deliver(kind: 'chat' | 'user', receiveId: string, card: object, uuid: string, requestId: number): Promise<string | null> {
    try {
      const sent = kind === 'chat' ? await this.sender.sendToChat(receiveId, card, uuid) : await this.sender.sendToUser(receiveId, card, uuid);
      return sent?.messageId ?? null;
    } catch (e) {
      if (!isPermanentSendFailure(e)) throw e;
      this.logger.warn({ err: e, requestId, receiveId }, 'Feishu refused a swap request notice; not retrying');
      return null;
    }
  }
}
