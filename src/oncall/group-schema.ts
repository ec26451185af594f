import { z } from 'zod';
import { entityName } from '../core/names';
import { isDay } from './dates';

/** The zone's canonical IANA name ('asia/shanghai' → 'Asia/Shanghai'), or null when Intl does not know it. */
export function canonicalTimeZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const timezone = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((tz, ctx) => {
    const canonical = canonicalTimeZone(tz);
    if (canonical) return canonical;
    ctx.addIssue({ code: 'custom', message: `unknown time zone '${tz}' (use an IANA name such as Asia/Shanghai)` });
    return z.NEVER;
  });

const groupFields = {
  name: entityName,
  members: z.array(z.number().int().positive('must be a user id')).max(200, 'at most 200 members'),
  shiftDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1').max(366, 'must be at most 366'),
  startDate: z.string().refine(isDay, 'must be a calendar day (YYYY-MM-DD)'),
  handoffTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00-23:59)'),
  timezone,
  /** How long before a shift its person is told privately (0: only at the handoff); at most a week. */
  noticeLeadMinutes: z.number().int('must be a whole number of minutes').min(0, 'must be 0 or more').max(10_080, 'must be at most 10080 (a week)'),
  feishuChatId: z
    .string()
    .trim()
    .regex(/^oc_[A-Za-z0-9_-]{1,125}$/, 'must be a Feishu chat id (oc_...)')
    .nullable(),
};

function noDuplicateMembers(g: { members?: number[] }, ctx: z.RefinementCtx): void {
  g.members?.forEach((id, i) => {
    if (g.members!.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['members', i], message: `user ${id} is listed twice` });
  });
}

/** `timezone` has no default here: the service fills in settings.timezone. */
export const groupCreateSchema = z
  .object({
    ...groupFields,
    members: groupFields.members.default([]),
    shiftDays: groupFields.shiftDays.default(1),
    handoffTime: groupFields.handoffTime.default('10:00'),
    noticeLeadMinutes: groupFields.noticeLeadMinutes.default(720),
    feishuChatId: groupFields.feishuChatId.default(null),
  })
  .strict()
  .superRefine(noDuplicateMembers);

export const groupUpdateSchema = z.object(groupFields).partial().strict();
export type GroupInput = z.output<typeof groupCreateSchema>;
