import { alertsListCard } from '../../cards/alerts-list-card';
import { usageError } from '../replies';
import type { ChatDeps, Command } from '../types';

const MAX_LISTED = 50;

/** The alerts list as it stands now; card callbacks re-render it after a click on it. */
export async function alertsListReply(d: ChatDeps) {
  const { events, total } = await d.eventCards.active(MAX_LISTED);
  return alertsListCard({ events, total, timezone: d.timezone, now: d.clock.now() });
}

export const alertsCommand: Command = {
  name: 'alerts',
  usage: '/alerts',
  description: 'Firing alerts, most urgent first, with Claim and Silence buttons.',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args.length) throw usageError('/alerts takes no arguments');
    return { card: await alertsListReply(d) };
  },
};
