import { oncallCard } from '../../cards/oncall-card';
import { findOncallGroup, personOf } from '../lookup';
import { usageError } from '../replies';
import type { Command } from '../types';
import { calendarLink, myShifts, nextShifts } from './oncall-more';

export const oncallCommand: Command = {
  name: 'oncall',
  aliases: ['值班'],
  words: { 接下来: 'next', 下一班: 'next', 我: 'me', 日历: 'calendar', 重置: 'rotate' },
  usage: 'cmd.oncall.usage',
  description: 'cmd.oncall.description',
  minRole: 'viewer',
  run: async (req, d) => {
    const [first, ...rest] = req.args;
    if (first === 'next') {
      if (rest.length > 1) throw usageError('reply.oneGroupAtMost');
      return nextShifts(req, d, rest[0]);
    }
    if (first === 'me') {
      if (rest.length) throw usageError('reply.oncallMeAlone');
      return myShifts(req, d);
    }
    if (first === 'calendar') return calendarLink(req, d, rest);
    if (req.args.length > 1) throw usageError('reply.oneGroupAtMost');
    const groups = first ? [await findOncallGroup(d, first)] : await d.oncallGroups.list();
    const views = await Promise.all(
      groups.map(async (g) => {
        const now = await d.oncall.current(g.id);
        return { name: g.name, current: personOf(now.oncall), next: personOf(now.next?.person), nextHandoffAt: now.next?.at ?? null, timezone: g.timezone };
      }),
    );
    return { card: oncallCard({ groups: views, timezone: d.timezone, locale: d.locale }) };
  },
};
