import { card, escLine, fitCount, header, md, note, type Card } from './card';
import { clip, formatTime } from '../core/text';

export interface PoolInstanceView {
  /** host:port */
  address: string;
  /** null: not checked yet */
  healthy: boolean | null;
}
export interface PoolView {
  id: number;
  name: string;
  instances: PoolInstanceView[];
  targets?: number | null;
  rules?: number | null;
  lastPublish?: { at: Date; ok: boolean; error?: string | null } | null;
}
export interface PoolsCardInput { pools: PoolView[]; timezone: string }

const health = (h: boolean | null) => (h === null ? '⚪' : h ? '🟢' : '🔴');

function poolBlock(p: PoolView, timezone: string): string {
  const counts = [p.targets != null ? `${p.targets} targets` : '', p.rules != null ? `${p.rules} rules` : ''].filter(Boolean);
  const lines = [`**${escLine(p.name)}** (#${p.id})${counts.length ? ` · ${counts.join(' · ')}` : ''}`];
  lines.push(p.instances.length ? p.instances.map((i) => `${health(i.healthy)} ${escLine(i.address)}`).join('  ') : 'no instances');
  const pub = p.lastPublish;
  if (!pub) lines.push('Last publish: never');
  else {
    const at = formatTime(pub.at, timezone, 'YYYY-MM-DD HH:mm');
    lines.push(pub.ok ? `Last publish: ${at} ✅` : `Last publish: ${at} ❌ ${escLine(clip(pub.error ?? 'failed', 300))}`);
  }
  return lines.join('\n');
}

/** `/pools`: every scrape pool with its instances' health and the last config publish. */
export function poolsCard(input: PoolsCardInput): Card {
  const unhealthy = input.pools.some((p) => p.instances.some((i) => i.healthy === false) || p.lastPublish?.ok === false);
  const head = header(unhealthy ? 'orange' : 'blue', `Scrape pools (${input.pools.length})`);
  if (!input.pools.length) return card(head, [md('No scrape pools yet.')]);
  return fitCount(input.pools.length, (n) => {
    const more = input.pools.length - n;
    const blocks = input.pools.slice(0, n).map((p) => md(poolBlock(p, input.timezone)));
    const tail = [note(`🟢 healthy · 🔴 down · ⚪ not checked yet · times in ${escLine(input.timezone)}`)];
    if (more > 0) tail.unshift(note(`… and ${more} more pools: see the API`));
    return card(head, [...blocks, ...tail]);
  });
}
