import { actionsListCard, type ActionListItem } from '../../cards/actions-list-card';
import { escLine } from '../../cards/card';
import { t, userError } from '../../i18n';
import type { ActionView } from '../../remedy/actions';
import { requireRole, textReply, usageError } from '../replies';
import { actorOf, type Command } from '../types';

/** Scheme and host: the part of the URL the template cannot change (action-schema.ts). */
const originOf = (url: string): string => /^https?:\/\/[^/?#{\s]+/i.exec(url)?.[0] ?? url.slice(0, 100);

export const listItem = (a: ActionView): ActionListItem => ({
  name: a.name,
  description: a.description,
  enabled: a.enabled,
  method: a.method,
  origin: originOf(a.url),
  attachments: a.triggers.map((x) => ({
    mode: x.mode,
    on: x.ruleId !== undefined ? { ruleId: x.ruleId } : { sendGroupId: x.sendGroupId! },
    ...(x.afterMinutes && { afterMinutes: x.afterMinutes }),
  })),
});

/**
 * `/actions`: the remediation actions (anyone registered reads them); `/actions run <name>
 * <alert id>`: run one on an alert now (editors; only an action the alert's rule or send group
 * attaches). The result follows in the alert's thread.
 */
export const actionsCommand: Command = {
  name: 'actions',
  aliases: ['动作'],
  words: { 运行: 'run' },
  usage: 'cmd.actions.usage',
  description: 'cmd.actions.description',
  minRole: 'viewer',
  run: async (req, d) => {
    if (!req.args.length) return { card: actionsListCard((await d.actions.list()).map(listItem), d.locale) };
    const [sub, name, alert, ...rest] = req.args;
    if (sub !== 'run' || !name || !alert || rest.length) throw usageError('remedy.usage');
    requireRole(req.user, 'editor', '/actions run');
    const eventId = /^#?(\d{1,10})$/.exec(alert)?.[1];
    if (!eventId) throw usageError('remedy.notAnAlertId', { value: alert });
    const action = await d.actions.findByName(name);
    if (!action) throw userError('not_found', 'remedy.noSuchAction', { name });
    const r = await d.remedy.request(action.id, Number(eventId), actorOf(req.user), 'command');
    return textReply(t(d.locale, 'remedy.started.title'), t(d.locale, 'remedy.started.body', { name: escLine(r.action), id: eventId }), 'turquoise');
  },
};
