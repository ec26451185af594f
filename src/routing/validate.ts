import { z } from 'zod';
import { entityName, hostPort, httpUrl, LABEL_NAME, parseDuration } from '../core/names';

/**
 * What Alertmanager 0.25 itself refuses in the parts promduty writes, checked up front so a
 * bad value is a validation error naming the field rather than a config the cluster rejects
 * on reload. The API schemas for clusters and send groups can reuse these pieces.
 */

/** `group_by`: label names without repeats, or `['...']` alone (group by every label). */
export const GROUP_BY_ALL = '...';
export const groupByList = z.array(z.string()).superRefine((list, ctx) => {
  if (list.includes(GROUP_BY_ALL) && list.length > 1) {
    ctx.addIssue({ code: 'custom', message: `"${GROUP_BY_ALL}" (group by every label) must be the only entry` });
  }
  const seen = new Set<string>();
  list.forEach((name, i) => {
    if (name !== GROUP_BY_ALL && !LABEL_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [i], message: 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*) or "..."' });
    } else if (seen.has(name)) {
      ctx.addIssue({ code: 'custom', path: [i], message: `repeats "${name}"` });
    }
    seen.add(name);
  });
});

/** group_interval, repeat_interval and resolve_timeout may not be zero. */
export const positiveDuration = z
  .string()
  .trim()
  .refine((s) => (parseDuration(s) ?? 0) > 0, 'must be a duration longer than 0, such as 30s, 5m, 4h');
/** group_wait may be zero (notify at once). */
export const zeroOrPositiveDuration = z
  .string()
  .trim()
  .refine((s) => parseDuration(s) !== null, 'must be a duration such as 0s, 30s, 5m');

const id = z.number().int().positive();

export const clusterRoutingSchema = z.object({
  id,
  name: entityName,
  resolveTimeout: positiveDuration,
  groupBy: groupByList,
  groupWait: zeroOrPositiveDuration,
  groupInterval: positiveDuration,
  repeatInterval: positiveDuration,
  instances: z.array(hostPort),
});

export const sendGroupRoutingSchema = z.object({
  id,
  name: entityName,
  enabled: z.boolean(),
  isDefault: z.boolean(),
  sendResolved: z.boolean(),
  groupBy: groupByList.nullable(),
  groupWait: zeroOrPositiveDuration.nullable(),
  groupInterval: positiveDuration.nullable(),
  repeatInterval: positiveDuration.nullable(),
});

/** Receiver names derive from ids, and Alertmanager refuses two receivers of one name. */
export const sendGroupListSchema = z.array(sendGroupRoutingSchema).superRefine((groups, ctx) => {
  const seen = new Set<number>();
  groups.forEach((g, i) => {
    if (seen.has(g.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `send group ${g.id} is listed twice` });
    seen.add(g.id);
  });
});

export const webhookContextSchema = z.object({
  publicUrl: httpUrl,
  // It travels in an HTTP header: visible ASCII only.
  webhookToken: z.string().regex(/^[\x21-\x7e]+$/, 'must be non-empty printable ASCII without spaces'),
});
