import { escLine } from '../../cards/card';
import { formatTime } from '../../core/text';
import { notFound } from '../../core/errors';
import type { InstanceView, Pool } from '../../scrape/pools';
import { findPool } from '../lookup';
import { textReply, usageError } from '../replies';
import type { ChatDeps, Command, Reply } from '../types';

const short = (hash: string) => hash.slice(0, 12);
const reload = (ok: boolean | null) => (ok === null ? '⏳ reload pending' : ok ? '✅ reloaded' : '❌ reload failed');

function poolSummary(pool: Pool, d: ChatDeps): Reply {
  const blocks = pool.instances.map((i) => {
    const files = i.publish.map(
      (s) => `  ${escLine(s.file)} · ${short(s.hash)} · ${formatTime(s.publishedAt, d.timezone, 'MM-DD HH:mm')} · ${reload(s.reloadOk)}${s.error ? ` · ${escLine(s.error.slice(0, 200))}` : ''}`,
    );
    return [`**${escLine(i.address)}** ${i.healthy ? '🟢' : '🔴'}`, ...(files.length ? files : ['  nothing published yet']), ...refusalLines(i, d)].join('\n');
  });
  const body = blocks.length ? blocks.join('\n') : 'No instances.';
  return textReply(`Config of pool ${pool.name}`, `${body}\nSee what an instance would get now: \`/config ${escLine(pool.name)} <host:port>\``);
}

/** The newer files promtool refused, which the instance does not run. */
function refusalLines(i: InstanceView, d: ChatDeps): string[] {
  if (!i.refused) return [];
  const at = formatTime(i.refused.at, d.timezone, 'MM-DD HH:mm');
  return [`  ❌ newer files refused at ${at}, not written (it keeps the files above): ${escLine(i.refused.error.slice(0, 300))}`];
}

async function instanceDetail(pool: Pool, instance: InstanceView, d: ChatDeps): Promise<Reply> {
  const rendered = await d.poolConfigs.instanceFiles(pool.id, instance.address);
  const published = new Map(instance.publish.map((s) => [s.file, s]));
  const pending = instance.refused ? '❌ refused by its check, not published' : '⏳ changed, publish pending';
  const lines = rendered.files.map((f) => {
    const p = published.get(f.path);
    const state = p?.hash === f.hash ? `✅ published, ${reload(p.reloadOk)}` : !p && !instance.refused ? '⏳ not published yet' : pending;
    return `**${escLine(f.path)}** · ${short(f.hash)} · ${Buffer.byteLength(f.content)} bytes · ${state}`;
  });
  lines.push(...refusalLines(instance, d).map((l) => l.trim()));
  const base = `${d.publicUrl}/api/v1/pools/${pool.id}/instances/${encodeURIComponent(instance.address)}`;
  lines.push(`Pull with the SD or API token: ${escLine(base)}/prometheus.yml`);
  return textReply(`Config of ${pool.name} / ${instance.address}`, lines.join('\n'));
}

export const configCommand: Command = {
  name: 'config',
  usage: '/config <pool> [host:port]',
  description: "A pool's published config files per instance, or what one instance gets now.",
  minRole: 'viewer',
  run: async (req, d) => {
    const [name, address, ...rest] = req.args;
    if (!name || rest.length) throw usageError('give the pool, and optionally one instance (host:port)');
    const pool = await findPool(d, name);
    if (address === undefined) return poolSummary(pool, d);
    const instance = pool.instances.find((i) => i.address === address || String(i.id) === address);
    if (!instance) throw notFound(`instance of pool ${pool.name}`, address);
    return instanceDetail(pool, instance, d);
  },
};
