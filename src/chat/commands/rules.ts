import { escLine } from '../../cards/card';
import { clip } from '../../core/text';
import { t } from '../../i18n';
import { textReply } from '../replies';
import { rulesSuggestReply } from './rules-suggest';
import type { Command } from '../types';

const MAX_LISTED = 50;

export const rulesCommand: Command = {
  name: 'rules',
  aliases: ['规则'],
  words: { 建议: 'suggest' },
  usage: 'cmd.rules.usage',
  description: 'cmd.rules.description',
  minRole: 'viewer',
  run: async (req, d) => {
    if (req.args[0] === 'suggest') return rulesSuggestReply(d, req.user, req.args.slice(1));
    const filter = req.args.join(' ');
    const rules = await d.alertRules.search(filter, MAX_LISTED);
    const L = d.locale;
    const title = filter ? t(L, 'reply.rules.matching', { filter: clip(filter, 60) }) : t(L, 'reply.rules.title');
    if (!rules.length) return textReply(title, t(L, 'reply.rules.none'), 'grey');
    const lines = rules.map(
      (r) => `${r.enabled ? '🟢' : '⚪'} **#${r.id} ${escLine(clip(r.name, 80))}** · ${r.severity} · ${escLine(clip(r.expr, 120))}`,
    );
    if (rules.length === MAX_LISTED) lines.push(t(L, 'reply.rules.firstOnly', { max: MAX_LISTED }));
    lines.push(t(L, 'reply.rules.open'));
    return textReply(t(L, 'reply.rules.count', { title, count: rules.length }), lines.join('\n'));
  },
};
