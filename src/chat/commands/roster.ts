import { rosterCard } from '../../cards/roster-card';
import type { Card } from '../../cards/card';
import { daysInMonth } from '../../oncall/dates';
import { monthOf } from '../../i18n';
import type { OncallGroup } from '../../oncall/groups';
import { groupOrOnly } from '../lookup';
import { usageError } from '../replies';
import type { ChatDeps, Command } from '../types';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The roster card of a group's month (YYYY-MM); its buttons ask for the neighbouring months. */
export async function rosterMonthCard(d: ChatDeps, group: OncallGroup, month: string): Promise<Card> {
  const [, year, mm] = MONTH.exec(month) ?? [];
  if (!year || !mm) throw usageError('reply.monthFormat');
  const last = daysInMonth(Number(year), Number(mm));
  const view = await d.oncall.roster(group.id, `${month}-01`, `${month}-${String(last).padStart(2, '0')}`);
  const days = view.days.map((x) => ({ day: x.day, userName: x.userName, reason: x.reason }));
  return rosterCard({ locale: d.locale, groupName: group.name, groupId: group.id, month, days, today: view.today, timezone: group.timezone });
}

export const rosterCommand: Command = {
  name: 'roster',
  aliases: ['排班'],
  usage: 'cmd.roster.usage',
  description: 'cmd.roster.description',
  minRole: 'viewer',
  run: async (req, d) => {
    const months = req.args.filter((a) => MONTH.test(a));
    const names = req.args.filter((a) => !MONTH.test(a));
    if (months.length > 1 || names.length > 1) throw usageError('reply.rosterArgs');
    if (names[0] && /^\d{4}-\d{1,2}$/.test(names[0])) throw usageError('reply.notAMonth', { word: names[0] });
    const group = await groupOrOnly(d, names[0]);
    return { card: await rosterMonthCard(d, group, months[0] ?? monthOf(d.clock.now(), group.timezone)) };
  },
};
