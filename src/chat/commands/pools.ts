import { poolsCard, type PoolView } from '../../cards/pools-card';
import type { Pool } from '../../scrape/pools';
import { engineOf, roleOf } from '../../scrape/topology';
import { t, type Locale } from '../../i18n';
import { usageError } from '../replies';
import type { Command } from '../types';

/**
 * The newest publish of any instance, failed if any instance's last reload failed, or the
 * newest refusal when promtool refused an instance's new files (they were not written).
 */
function lastPublish(p: Pool, locale: Locale): PoolView['lastPublish'] {
  const refused = p.instances.filter((i) => i.refused).sort((a, b) => b.refused!.at.getTime() - a.refused!.at.getTime())[0];
  if (refused?.refused) return { at: refused.refused.at, ok: false, error: t(locale, 'reply.pools.keeps', { address: refused.address, error: refused.refused.error }) };
  const all = p.instances.flatMap((i) => i.publish);
  if (!all.length) return null;
  const at = new Date(Math.max(...all.map((s) => s.publishedAt.getTime())));
  const failed = all.find((s) => s.reloadOk === false);
  return { at, ok: !failed, error: failed?.error ?? null };
}

export const poolsCommand: Command = {
  name: 'pools',
  aliases: ['采集池'],
  usage: 'cmd.pools.usage',
  description: 'cmd.pools.description',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args.length) throw usageError('reply.pools.args');
    const pools = await d.pools.list();
    const views: PoolView[] = pools.map((p) => ({
      id: p.id,
      name: p.name,
      instances: p.instances.map((i) => ({ address: i.address, healthy: i.lastProbeAt ? i.healthy : null })),
      lastPublish: lastPublish(p, d.locale),
      does: { role: roleOf(p), engine: engineOf(p), replicas: p.ruleReplicas ?? 1 },
    }));
    return { card: poolsCard({ pools: views, timezone: d.timezone, locale: d.locale }) };
  },
};
