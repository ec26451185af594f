import { card, escLine, fitCount, header, md, note, type Card } from './card';
import { clip } from '../core/text';
import { formatWhen, t, type Locale } from '../i18n';

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
  /** What the pool does (its topology role): scrape, evaluate rules, or both; with which engine. */
  does: { role: 'scrape' | 'evaluate' | 'both'; engine: 'prometheus' | 'vmalert'; replicas: number };
}
export interface PoolsCardInput { pools: PoolView[]; timezone: string; locale: Locale }

const health = (h: boolean | null) => (h === null ? '⚪' : h ? '🟢' : '🔴');

/** The engine is named only where the pool evaluates; replicas only when there are two. */
function roleLine(d: PoolView['does'], L: Locale): string {
  const engine = d.engine === 'vmalert' ? 'vmalert' : 'Prometheus';
  const line = d.role === 'scrape' ? t(L, 'pools.role.scrape') : d.role === 'evaluate' ? t(L, 'pools.role.evaluate', { engine }) : t(L, 'pools.role.both', { engine });
  return d.replicas > 1 ? `${line} · ${t(L, 'pools.role.replicas', { count: d.replicas })}` : line;
}

function poolBlock(p: PoolView, timezone: string, L: Locale): string {
  const counts = [p.targets != null ? t(L, 'pools.targets', { count: p.targets }) : '', p.rules != null ? t(L, 'pools.rules', { count: p.rules }) : ''].filter(Boolean);
  const lines = [`**${escLine(p.name)}** (#${p.id})${counts.length ? ` · ${counts.join(' · ')}` : ''}`, roleLine(p.does, L)];
  lines.push(p.instances.length ? p.instances.map((i) => `${health(i.healthy)} ${escLine(i.address)}`).join('  ') : t(L, 'pools.noInstances'));
  const pub = p.lastPublish;
  if (!pub) lines.push(t(L, 'pools.neverPublished'));
  else {
    const when = formatWhen(L, pub.at, timezone);
    lines.push(pub.ok ? t(L, 'pools.published', { when }) : t(L, 'pools.publishFailed', { when, error: escLine(clip(pub.error ?? t(L, 'pools.failed'), 300)) }));
  }
  return lines.join('\n');
}

/** `/pools`: every scrape pool with its instances' health and the last config publish. */
export function poolsCard(input: PoolsCardInput): Card {
  const unhealthy = input.pools.some((p) => p.instances.some((i) => i.healthy === false) || p.lastPublish?.ok === false);
  const L = input.locale;
  const head = header(unhealthy ? 'orange' : 'blue', t(L, 'pools.title', { count: input.pools.length }));
  if (!input.pools.length) return card(head, [md(t(L, 'pools.none'))]);
  return fitCount(input.pools.length, (n) => {
    const more = input.pools.length - n;
    const blocks = input.pools.slice(0, n).map((p) => md(poolBlock(p, input.timezone, L)));
    const tail = [note(t(L, 'pools.legend', { zone: escLine(input.timezone) }))];
    if (more > 0) tail.unshift(note(t(L, 'pools.more', { count: more })));
    return card(head, [...blocks, ...tail]);
  });
}
