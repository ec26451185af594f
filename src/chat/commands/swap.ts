import { escLine } from '../../cards/card';
import { swapCard } from '../../cards/swap-card';
import { rosterDayAt } from '../../oncall/roster';
import type { OncallGroup } from '../../oncall/groups';
import type { User } from '../../users/users';
import { isDay } from '../../oncall/dates';
import { findOncallGroup } from '../lookup';
import { textReply, usageError } from '../replies';
import { actorOf, type ChatDeps, type Command, type Reply } from '../types';

/** The swap form for a group: date picker from today, person picker offering its members. */
export async function swapFormCard(d: ChatDeps, group: OncallGroup, error?: string) {
  const users = await d.users.list();
  const members = group.members.flatMap((id) => users.filter((u) => u.id === id).map((u) => ({ name: u.name, openId: u.feishuOpenId })));
  return swapCard({ groupId: group.id, groupName: group.name, today: rosterDayAt(group, d.clock.now()), members, error });
}

/** Puts the user with `openId` on call in `group` on `day`; shared by the command and the card. */
export async function performSwap(d: ChatDeps, by: User, group: OncallGroup, day: string, openId: string): Promise<Reply> {
  const to = await d.users.findByOpenId(openId);
  if (!to) throw usageError('that person is not registered in promduty, so they cannot be on call');
  const swap = await d.oncallSwaps.create(group.id, { day, toUserId: to.id }, actorOf(by));
  const from = swap.fromUserId === null ? null : (await d.users.list()).find((u) => u.id === swap.fromUserId);
  const instead = from ? ` instead of ${escLine(from.name)}` : '';
  return textReply('Shift swapped', `**${escLine(to.name)}** is on call in **${escLine(group.name)}** on ${day}${instead}.`, 'turquoise');
}

export const swapCommand: Command = {
  name: 'swap',
  usage: '/swap <group> [<YYYY-MM-DD> @person]',
  description: 'Put someone else on call for one day; with only the group, a card with a date and person picker.',
  minRole: 'editor',
  run: async (req, d) => {
    const [name, day, who, ...rest] = req.args;
    if (!name || rest.length || (day !== undefined && who === undefined)) throw usageError('give the group, then the date and an @mention, or only the group');
    const group = await findOncallGroup(d, name);
    if (day === undefined) return { card: await swapFormCard(d, group) };
    if (!isDay(day)) throw usageError('write the date as YYYY-MM-DD');
    const mention = req.mentions.get(who!);
    if (!mention?.openId) throw usageError('@mention the person who takes the shift');
    return performSwap(d, req.user, group, day, mention.openId);
  },
};
