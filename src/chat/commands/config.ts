import { escLine } from '../../cards/card';
import { formatWhen, t, type Locale } from '../../i18n';
import { notFound } from '../../core/errors';
import type { InstanceView, Pool } from '../../scrape/pools';
import { findPool } from '../lookup';
import { textReply, usageError } from '../replies';
import type { ChatDeps, Command, Reply } from '../types';

const short = (hash: string) => hash.slice(0, 12);
const reload = (L: Locale, ok: boolean | null) => t(L, ok === null ? 'reply.config.reloadPending' : ok ? 'reply.config.reloaded' : 'reply.config.reloadFailed');

function poolSummary(pool: Pool, d: ChatDeps): Reply {
  const L = d.locale;
  const blocks = pool.instances.map((i) => {
    const files = i.publish.map(
      (s) => `  ${escLine(s.file)} · ${short(s.hash)} · ${formatWhen(L, s.publishedAt, d.timezone)} · ${reload(L, s.reloadOk)}${s.error ? ` · ${escLine(s.error.slice(0, 200))}` : ''}`,
    );
    return [`**${escLine(i.address)}** ${i.healthy ? '🟢' : '🔴'}`, ...(files.length ? files : [`  ${t(L, 'reply.config.nothingYet')}`]), ...refusalLines(i, d)].join('\n');
  });
  const body = blocks.length ? blocks.join('\n') : t(L, 'reply.config.noInstances');
  return textReply(t(L, 'reply.config.title', { pool: pool.name }), `${body}\n${t(L, 'reply.config.seeInstance', { pool: escLine(pool.name) })}`);
}

/** The newer files promtool refused, which the instance does not run. */
function refusalLines(i: InstanceView, d: ChatDeps): string[] {
  if (!i.refused) return [];
  const at = formatWhen(d.locale, i.refused.at, d.timezone);
  return [`  ${t(d.locale, 'reply.config.refusedAt', { at, error: escLine(i.refused.error.slice(0, 300)) })}`];
}

async function instanceDetail(pool: Pool, instance: InstanceView, d: ChatDeps): Promise<Reply> {
  const rendered = await d.poolConfigs.instanceFiles(pool.id, instance.address);
  const published = new Map(instance.publish.map((s) => [s.file, s]));
  const L = d.locale;
  const pending = t(L, instance.refused ? 'reply.config.refusedByCheck' : 'reply.config.publishPending');
  const lines = rendered.files.map((f) => {
    const p = published.get(f.path);
    const state =
      p?.hash === f.hash ? t(L, 'reply.config.published', { reload: reload(L, p.reloadOk) }) : !p && !instance.refused ? t(L, 'reply.config.notPublished') : pending;
    return `**${escLine(f.path)}** · ${short(f.hash)} · ${t(L, 'reply.config.bytes', { count: Buffer.byteLength(f.content) })} · ${state}`;
  });
  lines.push(...refusalLines(instance, d).map((l) => l.trim()));
  const base = `${d.publicUrl}/api/v1/pools/${pool.id}/instances/${encodeURIComponent(instance.address)}`;
  lines.push(t(L, 'reply.config.pull', { url: `${escLine(base)}/prometheus.yml` }));
  return textReply(t(L, 'reply.config.instanceTitle', { pool: pool.name, instance: instance.address }), lines.join('\n'));
}

export const configCommand: Command = {
  name: 'config',
  aliases: ['配置'],
  usage: 'cmd.config.usage',
  description: 'cmd.config.description',
  minRole: 'viewer',
  run: async (req, d) => {
    const [name, address, ...rest] = req.args;
    if (!name || rest.length) throw usageError('reply.config.args');
    const pool = await findPool(d, name);
    if (address === undefined) return poolSummary(pool, d);
    const instance = pool.instances.find((i) => i.address === address || String(i.id) === address);
    if (!instance) throw notFound('instance', address);
    return instanceDetail(pool, instance, d);
  },
};
