import { statsCard } from '../../cards/stats-card';
import { STATS_DAYS } from '../../stats/figures';
import { parseStatsDays } from '../../stats/service';
import { usageError } from '../replies';
import type { Command } from '../types';

/**
 * `/stats [send group|all] [7|30]`: without a group, the send group whose chat this is, or
 * every send group in a chat of none.
 */
export const statsCommand: Command = {
  name: 'stats',
  usage: `/stats [send group|all] [${STATS_DAYS.join('|')}]`,
  description: 'Alerts, MTTA, MTTR, after-hours pages, noisiest rules and flapping alerts of the last 7 or 30 days, with charts.',
  minRole: 'viewer',
  run: async (req, d) => {
    const args = [...req.args];
    const last = args[args.length - 1];
    const days = last !== undefined && /^\d+$/.test(last) ? (args.pop(), parseStatsDays(last)) : 7;
    if (args.length > 1) throw usageError('give at most one send group (its name), then 7 or 30');
    const groups = await d.stats.groups();
    const name = args[0];
    const group = name === undefined ? groups.find((g) => g.feishuChatId === req.chatId) : name === 'all' ? undefined : groups.find((g) => g.name === name);
    if (name !== undefined && name !== 'all' && !group) {
      const known = groups.map((g) => g.name).slice(0, 20).join(', ');
      throw usageError(`there is no send group "${name}"${known ? `; there are: ${known}` : ''}`);
    }
    const report = await d.stats.report({ sendGroupId: group?.id ?? null, days });
    return { card: statsCard({ sendGroupName: report.sendGroup?.name ?? null, figures: report.figures, flapEpisodes: report.flapEpisodes }) };
  },
};
