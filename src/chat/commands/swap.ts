import { swapCard } from '../../cards/swap-card';
import { swapRequestCard } from '../../cards/swap-request-card';
import { userError } from '../../i18n';
import { isDay } from '../../oncall/dates';
import type { OncallGroup } from '../../oncall/groups';
import { rosterDayAt } from '../../oncall/roster';
import type { Requester, SwapRequest } from '../../oncall/swap-requests';
import { hasRole, type User } from '../../users/users';
import { findOncallGroup } from '../lookup';
import { usageError } from '../replies';
import { actorOf, type ChatDeps, type Command, type Reply } from '../types';

/** The swap form for a group: date picker from today, person picker offering its members. */
export async function swapFormCard(d: ChatDeps, group: OncallGroup, error?: string) {
  const users = await d.users.list();
  const members = group.members.flatMap((id) => users.filter((u) => u.id === id).map((u) => ({ name: u.name, openId: u.feishuOpenId })));
  return swapCard({ locale: d.locale, groupId: group.id, groupName: group.name, today: rosterDayAt(group, d.clock.now()), members, error });
}

/** A chat user as the swap rules see them. */
export const requesterOf = (user: User): Requester => ({ userId: user.id, admin: hasRole(user, 'admin'), actor: actorOf(user) });

/** Who is asked: a person by open_id, the person asking, or everyone in the group. */
export type SwapTarget = { openId: string } | 'me' | 'offer';

/**
 * Makes a swap request; shared by the command and the form card. The reply is the request as
 * its requester sees it (with Cancel while pending; the outcome when it applied at once).
 */
export async function requestSwap(
  d: ChatDeps,
  by: User,
  group: OncallGroup,
  days: { first: string; last: string },
  target: SwapTarget,
  force = false,
): Promise<{ request: SwapRequest; reply: Reply }> {
  let toUserId: number | null = null;
  if (target === 'me') toUserId = by.id;
  else if (target !== 'offer') {
    const to = await d.users.findByOpenId(target.openId);
    if (!to) throw usageError('reply.swap.notRegistered');
    toUserId = to.id;
  }
  const request = await d.oncallSwapRequests.create(group.id, { firstDay: days.first, lastDay: days.last, toUserId, ...(force && { force }) }, requesterOf(by));
  return { request, reply: { card: swapRequestCard(await d.oncallSwapRequests.view(request), 'requester', d.locale) } };
}

const DAYS = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/;
const DECISIONS = ['accept', 'decline', 'cancel', 'force'] as const;
type Decision = (typeof DECISIONS)[number];

/** `accept 12`, `cancel #12`: a decision on a request by its id. */
async function decide(d: ChatDeps, user: User, decision: Decision, idWord: string | undefined): Promise<Reply> {
  const id = Number(idWord?.replace(/^#/, ''));
  if (!idWord || !Number.isSafeInteger(id) || id <= 0) throw usageError('reply.swap.requestNumber', { decision });
  if (decision === 'force' && !hasRole(user, 'admin')) throw userError('forbidden', 'reply.swap.forceAdmin');
  const decided = await d.oncallSwapRequests[decision](id, requesterOf(user));
  return { card: swapRequestCard(await d.oncallSwapRequests.view(decided), 'requester', d.locale) };
}

export const swapCommand: Command = {
  name: 'swap',
  aliases: ['换班'],
  words: { 接受: 'accept', 拒绝: 'decline', 取消: 'cancel', 强制: 'force', 我: 'me', 转让: 'offer' },
  usage: 'cmd.swap.usage',
  description: 'cmd.swap.description',
  minRole: 'editor',
  run: async (req, d) => {
    const [name, when, who, ...rest] = req.args;
    if (name && (DECISIONS as readonly string[]).includes(name)) {
      if (who !== undefined) throw usageError('reply.swap.oneNumber', { decision: name });
      return decide(d, req.user, name as Decision, when);
    }
    const force = rest[0] === 'force';
    if (!name || rest.length > (force ? 1 : 0) || (when !== undefined && who === undefined))
      throw usageError('reply.swap.args');
    const group = await findOncallGroup(d, name);
    if (when === undefined) return { card: await swapFormCard(d, group) };
    const m = DAYS.exec(when);
    if (!m || !isDay(m[1]) || (m[2] !== undefined && !isDay(m[2]))) throw usageError('reply.swap.dateFormat');
    let target: SwapTarget;
    if (who === 'me' || who === 'offer') target = who;
    else {
      const mention = req.mentions.get(who!);
      if (!mention?.openId) throw usageError('reply.swap.mention');
      target = { openId: mention.openId };
    }
    return (await requestSwap(d, req.user, group, { first: m[1], last: m[2] ?? m[1] }, target, force)).reply;
  },
};
