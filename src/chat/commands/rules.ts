import { escLine } from '../../cards/card';
import { clip } from '../../core/text';
import { textReply } from '../replies';
import { rulesSuggestReply } from './rules-suggest';
import type { Command } from '../types';

const MAX_LISTED = 50;

export const rulesCommand: Command = {
  name: 'rules',
  usage: '/rules [filter] · /rules suggest [pool]',
  description:
    'Alert rules whose name or expression contains the filter (or with that id). ' +
    '`suggest`: record rules that would speed up the pool\'s heaviest repeated queries (from the Prometheus query log), created with one click.',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args[0] === 'suggest') return rulesSuggestReply(d, req.user, req.args.slice(1));
    const filter = req.args.join(' ');
    const rules = await d.alertRules.search(filter, MAX_LISTED);
    const title = filter ? `Alert rules matching "${clip(filter, 60)}"` : 'Alert rules';
    if (!rules.length) return textReply(title, 'No alert rules match.', 'grey');
    const lines = rules.map(
      (r) => `${r.enabled ? '🟢' : '⚪'} **#${r.id} ${escLine(clip(r.name, 80))}** · ${r.severity} · ${escLine(clip(r.expr, 120))}`,
    );
    if (rules.length === MAX_LISTED) lines.push(`… showing the first ${MAX_LISTED}; narrow the filter.`);
    lines.push('Open one with `/rule <id>`.');
    return textReply(`${title} (${rules.length})`, lines.join('\n'));
  },
};
