import { escLine } from '../../cards/card';
import { ruleCard, type RuleCardInput } from '../../cards/rule-card';
import type { AlertRule } from '../../rules/alert-rules';
import { hasRole, type User } from '../../users/users';
import { t } from '../../i18n';
import { parseIds } from '../parse';
import { requireRole, textReply, usageError } from '../replies';
import { actorOf, type ChatDeps, type Command } from '../types';

/** The rule card with names looked up; `extra` carries a refused draft and its error. */
export async function ruleCardFor(d: ChatDeps, rule: AlertRule, user: User, extra: Pick<RuleCardInput, 'draft' | 'error'> = {}) {
  const [pool, group, placement] = await Promise.all([
    d.pools.get(rule.poolId),
    d.sendGroups.get(rule.sendGroupId),
    d.poolConfigs.rulePlacement({ kind: 'alert', id: rule.id, poolId: rule.poolId, enabled: rule.enabled }),
  ]);
  return ruleCard({
    locale: d.locale,
    rule: {
      id: rule.id,
      alertname: rule.name,
      poolName: pool.name,
      sendGroupName: group.name,
      treePath: rule.treePath ?? null,
      expr: rule.expr,
      for: rule.for ?? '0s',
      severity: rule.severity,
      labels: rule.labels,
      annotations: rule.annotations,
      enabled: rule.enabled,
      placement: { engine: placement.engine, replicas: placement.replicas, evaluators: placement.evaluators, complete: placement.data.complete, source: placement.data.say },
    },
    editable: hasRole(user, 'editor'),
    ...extra,
  });
}

export const ruleCommand: Command = {
  name: 'rule',
  aliases: ['规则详情'],
  words: { 启用: 'enable', 停用: 'disable' },
  usage: 'cmd.rule.usage',
  description: 'cmd.rule.description',
  minRole: 'viewer',
  run: async (req, d) => {
    const [first, ...rest] = req.args;
    if (first === 'enable' || first === 'disable') {
      requireRole(req.user, 'editor', `/rule ${first}`);
      const ids = parseIds(rest);
      if (!ids) throw usageError('reply.rule.ids', { action: first });
      const rules = await d.alertRules.setEnabled(ids, first === 'enable', actorOf(req.user));
      const lines = rules.map((r) => `#${r.id} ${escLine(r.name)}`).join('\n');
      const title = t(d.locale, first === 'enable' ? 'reply.rule.enabled' : 'reply.rule.disabled', { count: rules.length });
      return textReply(title, lines, first === 'enable' ? 'green' : 'grey');
    }
    const ids = first === undefined ? null : parseIds([first]);
    if (!ids || rest.length) throw usageError('reply.rule.oneId');
    return { card: await ruleCardFor(d, await d.alertRules.get(ids[0]!), req.user) };
  },
};
