import { formatTime } from '../../core/text';
import { rosterCard } from '../../cards/roster-card';
import { daysInMonth } from '../../oncall/dates';
import { groupOrOnly } from '../lookup';
import { usageError } from '../replies';
import type { Command } from '../types';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const rosterCommand: Command = {
  name: 'roster',
  usage: '/roster [group] [YYYY-MM]',
  description: "A month's on-call calendar (this month by default).",
  minRole: 'viewer',
  run: async (req, d) => {
    const months = req.args.filter((a) => MONTH.test(a));
    const names = req.args.filter((a) => !MONTH.test(a));
    if (months.length > 1 || names.length > 1) throw usageError('give at most one group and one month (YYYY-MM)');
    if (names[0] && /^\d{4}-\d{1,2}$/.test(names[0])) throw usageError(`${names[0]} is not a month: write it as YYYY-MM`);
    const group = await groupOrOnly(d, names[0]);
    const month = months[0] ?? formatTime(d.clock.now(), group.timezone, 'YYYY-MM');
    const [, year, mm] = MONTH.exec(month)!;
    const last = daysInMonth(Number(year), Number(mm));
    const view = await d.oncall.roster(group.id, `${month}-01`, `${month}-${String(last).padStart(2, '0')}`);
    const days = view.days.map((x) => ({ day: x.day, userName: x.userName, reason: x.reason }));
    return { card: rosterCard({ groupName: group.name, month, days, today: view.today }) };
  },
};
