import { z } from 'zod';
import { entityName, httpUrl } from '../core/names';
import { DEFAULT_PAGING, pageChannel, sendGroupPagingSchema } from '../paging/model';
import { groupByList, positiveDuration, zeroOrPositiveDuration } from './validate';

/** What the API shows instead of the webhook signing secret; sent back, it keeps the stored one. */
export const REDACTED = '[redacted]';

const id = z.number().int().positive();

/** User ids without repeats. */
const userIds = z.array(id).max(100, 'at most 100 users').superRefine((ids, ctx) => {
  ids.forEach((u, i) => {
    if (ids.indexOf(u) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `user ${u} is listed twice` });
  });
});

const escalationLevel = z
  .object({
    /** Minutes after the alert fired, if nobody claimed it, to message these users. */
    afterMinutes: z.number().int('must be a whole number of minutes').min(1, 'must be at least 1').max(10_080, 'must be at most a week (10080)'),
    userIds: userIds.min(1, 'must name at least one user'),
    /** How the level reaches its users: the card alone (chat), or the card and a buzz. */
    channel: pageChannel.default('chat'),
  })
  .strict();

const escalation = z
  .object({
    enabled: z.boolean(),
    levels: z.array(escalationLevel).max(10, 'at most 10 levels'),
    /** Minutes before a level escalates that the current owners are reminded (0: never). */
    reminderMinutes: z.number().int('must be a whole number of minutes').min(0, 'must not be negative').max(1440, 'must be at most a day (1440)').default(5),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.enabled && e.levels.length === 0) ctx.addIssue({ code: 'custom', path: ['levels'], message: 'must hold at least one level when escalation is enabled' });
    e.levels.forEach((l, i) => {
      const prev = e.levels[i - 1];
      if (prev && l.afterMinutes <= prev.afterMinutes)
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'afterMinutes'], message: `must be later than level ${i} (${prev.afterMinutes} minutes)` });
    });
  });

const sendGroupFields = {
  name: entityName,
  enabled: z.boolean(),
  /** The catch-all for alerts whose send_group is missing, unknown or disabled; at most one. */
  isDefault: z.boolean(),
  alertmanagerClusterId: id,
  oncallGroupId: id.nullable(),
  /** Feishu group chat the app bot posts cards to. */
  feishuChatId: z.string().trim().regex(/^oc_[A-Za-z0-9_-]{1,120}$/, 'must be a Feishu chat id (oc_...)').nullable(),
  /** Custom bot webhook of a Feishu group, and its signing secret when the bot has one. */
  webhookUrl: httpUrl.pipe(z.string().max(1024, 'must be at most 1024 characters')).nullable(),
  webhookSecret: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters').nullable(),
  /** First-level users, messaged with every notification. */
  userIds,
  /** Message the person on call privately, besides the group chat. */
  notifyOncallPrivate: z.boolean(),
  sendResolved: z.boolean(),
  /** Alertmanager grouping and timing; null takes the cluster's default. */
  groupBy: groupByList.nullable(),
  groupWait: zeroOrPositiveDuration.nullable(),
  groupInterval: positiveDuration.nullable(),
  repeatInterval: positiveDuration.nullable(),
  escalation,
  /** Per severity, how the people messaged privately are paged (default: critical → app buzz). */
  paging: sendGroupPagingSchema,
};

function crossChecks(g: { webhookUrl?: string | null; webhookSecret?: string | null }, ctx: z.RefinementCtx): void {
  if (g.webhookSecret && !g.webhookUrl) ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'needs a webhookUrl' });
  if (g.webhookSecret === REDACTED) ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: `${REDACTED} is the placeholder the API shows; send the real secret` });
}

export const sendGroupCreateSchema = z
  .object({
    ...sendGroupFields,
    enabled: sendGroupFields.enabled.default(true),
    isDefault: sendGroupFields.isDefault.default(false),
    oncallGroupId: sendGroupFields.oncallGroupId.default(null),
    feishuChatId: sendGroupFields.feishuChatId.default(null),
    webhookUrl: sendGroupFields.webhookUrl.default(null),
    webhookSecret: sendGroupFields.webhookSecret.default(null),
    userIds: sendGroupFields.userIds.default([]),
    notifyOncallPrivate: sendGroupFields.notifyOncallPrivate.default(true),
    sendResolved: sendGroupFields.sendResolved.default(true),
    groupBy: sendGroupFields.groupBy.default(null),
    groupWait: sendGroupFields.groupWait.default(null),
    groupInterval: sendGroupFields.groupInterval.default(null),
    repeatInterval: sendGroupFields.repeatInterval.default(null),
    escalation: sendGroupFields.escalation.default({ enabled: false, levels: [], reminderMinutes: 5 }),
    paging: sendGroupFields.paging.default(DEFAULT_PAGING),
  })
  .strict()
  .superRefine(crossChecks);

export const sendGroupUpdateSchema = z.object(sendGroupFields).partial().strict();
export type SendGroupInput = z.output<typeof sendGroupCreateSchema>;
export type SendGroupPatch = z.output<typeof sendGroupUpdateSchema>;
