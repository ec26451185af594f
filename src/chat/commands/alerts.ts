import { alertsListCard } from '../../cards/alerts-list-card';
import { usageError } from '../replies';
import type { ChatDeps, Command } from '../types';

const MAX_LISTED = 50;

/** The alerts list as it stands now; card callbacks re-render it after a click on it. */
export async function alertsListReply(d: ChatDeps) {
  const { events, total } = await d.eventCards.active(MAX_LISTED);
  return alertsListCard({ events, total, timezone: d.timezone, now: d.clock.now(), locale: d.locale });
}

export const alertsCommand: Command = {
  name: 'alerts',
  aliases: ['告警'],
  usage: 'cmd.alerts.usage',
  description: 'cmd.alerts.description',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args.length) throw usageError('reply.noArgs', { command: req.command });
    return { card: await alertsListReply(d) };
  },
};
