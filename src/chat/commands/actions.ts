import { actionsListCard, type ActionListItem } from '../../cards/actions-list-card';
import { notFound } from '../../core/errors';
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
  attachments: a.triggers.map((t) => {
    const on = t.ruleId !== undefined ? `rule #${t.ruleId}` : `send group #${t.sendGroupId}`;
    return t.mode === 'auto' ? `auto on ${on}${t.afterMinutes ? ` after ${t.afterMinutes}m still firing` : ''}` : `button on ${on}`;
  }),
});

/**
 * `/actions`: the remediation actions (anyone registered reads them); `/actions run <name>
 * <alert id>`: run one on an alert now (editors; only an action the alert's rule or send group
 * attaches). The result follows in the alert's thread.
 */
export const actionsCommand: Command = {
  name: 'actions',
  usage: '/actions [run <name> <alert id>]',
  description: 'Remediation actions: what each calls and where it is attached; run one on an alert (editors).',
  minRole: 'viewer',
  run: async (req, d) => {
    if (!req.args.length) return { card: actionsListCard((await d.actions.list()).map(listItem)) };
    const [sub, name, alert, ...rest] = req.args;
    if (sub !== 'run' || !name || !alert || rest.length) throw usageError('list the actions with /actions, or run one: /actions run <name> <alert id>');
    requireRole(req.user, 'editor', 'Running an action');
    const eventId = /^#?(\d{1,10})$/.exec(alert)?.[1];
    if (!eventId) throw usageError(`"${alert}" is not an alert id (the number after # on its card)`);
    const action = await d.actions.findByName(name);
    if (!action) throw notFound('action', name);
    const r = await d.remedy.request(action.id, Number(eventId), actorOf(req.user), 'command');
    return textReply('Action started', `**${r.action}** is running on alert #${eventId}; the result follows in the alert's thread.`, 'turquoise');
  },
};
