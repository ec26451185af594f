import { oncallCard } from '../../cards/oncall-card';
import { findOncallGroup, personOf } from '../lookup';
import { usageError } from '../replies';
import type { Command } from '../types';
import { calendarLink, myShifts, nextShifts } from './oncall-more';

export const oncallCommand: Command = {
  name: 'oncall',
  usage: '/oncall [group] · /oncall next [group] · /oncall me · /oncall calendar [group] [rotate]',
  description: 'Who is on call now and next; the next shifts; your shifts; your calendar link (sent privately).',
  minRole: 'viewer',
  run: async (req, d) => {
    const [first, ...rest] = req.args;
    if (first === 'next') {
      if (rest.length > 1) throw usageError('give at most one on-call group');
      return nextShifts(req, d, rest[0]);
    }
    if (first === 'me') {
      if (rest.length) throw usageError('/oncall me takes nothing more');
      return myShifts(req, d);
    }
    if (first === 'calendar') return calendarLink(req, d, rest);
    if (req.args.length > 1) throw usageError('give at most one on-call group');
    const groups = first ? [await findOncallGroup(d, first)] : await d.oncallGroups.list();
    const views = await Promise.all(
      groups.map(async (g) => {
        const now = await d.oncall.current(g.id);
        return { name: g.name, current: personOf(now.oncall), next: personOf(now.next?.person), nextHandoffAt: now.next?.at ?? null };
      }),
    );
    return { card: oncallCard({ groups: views, timezone: d.timezone }) };
  },
};
