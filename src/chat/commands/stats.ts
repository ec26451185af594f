import { statsCard } from '../../cards/stats-card';
import { parseStatsDays } from '../../stats/service';
import { usageError } from '../replies';
import type { Command } from '../types';

/**
 * `/stats [send group|all] [7|30]`: without a group, the send group whose chat this is, or
 * every send group in a chat of none.
 */
export const statsCommand: Command = {
  name: 'stats',
  aliases: ['统计'],
  words: { 全部: 'all' },
  usage: 'cmd.stats.usage',
  description: 'cmd.stats.description',
  minRole: 'viewer',
  run: async (req, d) => {
    const args = [...req.args];
    const last = args[args.length - 1];
    const days = last !== undefined && /^\d+$/.test(last) ? (args.pop(), parseStatsDays(last)) : 7;
    if (args.length > 1) throw usageError('reply.stats.args');
    const groups = await d.stats.groups();
    const name = args[0];
    const group = name === undefined ? groups.find((g) => g.feishuChatId === req.chatId) : name === 'all' ? undefined : groups.find((g) => g.name === name);
    if (name !== undefined && name !== 'all' && !group) {
      const known = groups.map((g) => g.name).slice(0, 20).join(', ');
      throw known ? usageError('reply.stats.noGroupKnown', { name, known }) : usageError('reply.stats.noGroup', { name });
    }
    const report = await d.stats.report({ sendGroupId: group?.id ?? null, days });
    return { card: statsCard({ locale: d.locale, sendGroupName: report.sendGroup?.name ?? null, figures: report.figures, flapEpisodes: report.flapEpisodes }) };
  },
};
