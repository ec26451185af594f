import { oncallCard } from '../../cards/oncall-card';
import { findOncallGroup, personOf } from '../lookup';
import { usageError } from '../replies';
import type { Command } from '../types';

export const oncallCommand: Command = {
  name: 'oncall',
  usage: '/oncall [group]',
  description: 'Who is on call now, and who is next (every group, or one).',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args.length > 1) throw usageError('give at most one on-call group');
    const groups = req.args[0] ? [await findOncallGroup(d, req.args[0])] : await d.oncallGroups.list();
    const views = await Promise.all(
      groups.map(async (g) => {
        const now = await d.oncall.current(g.id);
        return { name: g.name, current: personOf(now.oncall), next: personOf(now.next?.person), nextHandoffAt: now.next?.at ?? null };
      }),
    );
    return { card: oncallCard({ groups: views, timezone: d.timezone }) };
  },
};
