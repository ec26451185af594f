import type { Knex } from 'knex';
import { fromJson, toJson, type Db } from '../db/knex';
import { DEFAULT_PAGING, type PageChannel, type SendGroupPaging } from '../paging/model';
import { REDACTED, type SendGroupInput } from './send-group-schema';

export interface EscalationLevel {
  afterMinutes: number;
  userIds: number[];
  channel: PageChannel;
}

/** A send group as stored; the API shows it through `redactSendGroup`. */
export interface SendGroup {
  id: number;
  name: string;
  enabled: boolean;
  isDefault: boolean;
  alertmanagerClusterId: number;
  oncallGroupId: number | null;
  feishuChatId: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  userIds: number[];
  notifyOncallPrivate: boolean;
  sendResolved: boolean;
  groupBy: string[] | null;
  groupWait: string | null;
  groupInterval: string | null;
  repeatInterval: string | null;
  /** Levels in order (level 1 first), `afterMinutes` increasing. */
  escalation: { enabled: boolean; levels: EscalationLevel[]; reminderMinutes: number };
  paging: SendGroupPaging;
}

export const redactSendGroup = (g: SendGroup): SendGroup => (g.webhookSecret ? { ...g, webhookSecret: REDACTED } : g);

export const toSendGroupRow = (g: SendGroupInput) => ({
  name: g.name,
  enabled: g.enabled,
  is_default: g.isDefault,
  alertmanager_cluster_id: g.alertmanagerClusterId,
  oncall_group_id: g.oncallGroupId,
  feishu_chat_id: g.feishuChatId,
  webhook_url: g.webhookUrl,
  webhook_secret: g.webhookSecret,
  notify_oncall_private: g.notifyOncallPrivate,
  send_resolved: g.sendResolved,
  group_by: toJson(g.groupBy),
  group_wait: g.groupWait,
  group_interval: g.groupInterval,
  repeat_interval: g.repeatInterval,
  escalation_enabled: g.escalation.enabled,
  escalation_reminder_minutes: g.escalation.reminderMinutes,
  paging: toJson(g.paging),
});

/** Send groups in id order with their users and escalation levels (three queries, any count). */
export async function loadSendGroups(db: Db, scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<SendGroup[]> {
  const rows = await scope(db('send_groups')).orderBy('id');
  if (!rows.length) return [];
  const ids = rows.map((r: any) => r.id);
  const users = await db('send_group_users').whereIn('send_group_id', ids).orderBy('user_id');
  const levels = await db('escalation_levels').whereIn('send_group_id', ids).orderBy('level');
  const levelUsers = levels.length
    ? await db('escalation_level_users').whereIn('level_id', levels.map((l: any) => l.id)).orderBy('user_id')
    : [];
  return rows.map((r: any) => ({
    id: r.id,
    name: r.name,
    enabled: Boolean(r.enabled),
    isDefault: Boolean(r.is_default),
    alertmanagerClusterId: r.alertmanager_cluster_id,
    oncallGroupId: r.oncall_group_id,
    feishuChatId: r.feishu_chat_id,
    webhookUrl: r.webhook_url,
    webhookSecret: r.webhook_secret,
    userIds: users.filter((u: any) => u.send_group_id === r.id).map((u: any) => u.user_id),
    notifyOncallPrivate: Boolean(r.notify_oncall_private),
    sendResolved: Boolean(r.send_resolved),
    groupBy: fromJson<string[] | null>(r.group_by, null),
    groupWait: r.group_wait,
    groupInterval: r.group_interval,
    repeatInterval: r.repeat_interval,
    escalation: {
      enabled: Boolean(r.escalation_enabled),
      levels: levels
        .filter((l: any) => l.send_group_id === r.id)
        .map((l: any) => ({ afterMinutes: l.after_minutes, userIds: levelUsers.filter((u: any) => u.level_id === l.id).map((u: any) => u.user_id), channel: l.channel })),
      reminderMinutes: r.escalation_reminder_minutes,
    },
    paging: fromJson<SendGroupPaging>(r.paging, DEFAULT_PAGING),
  }));
}

/** Replaces the group's first-level users and escalation levels with the given sets. */
export async function replaceMembers(trx: Knex.Transaction, groupId: number, g: SendGroupInput): Promise<void> {
  await trx('send_group_users').where({ send_group_id: groupId }).delete();
  if (g.userIds.length) await trx('send_group_users').insert(g.userIds.map((user_id) => ({ send_group_id: groupId, user_id })));
  // Level users go with their level (ON DELETE CASCADE).
  await trx('escalation_levels').where({ send_group_id: groupId }).delete();
  for (const [i, level] of g.escalation.levels.entries()) {
    const [levelId] = (await trx('escalation_levels').insert({ send_group_id: groupId, level: i + 1, after_minutes: level.afterMinutes, channel: level.channel })) as [number];
    await trx('escalation_level_users').insert(level.userIds.map((user_id) => ({ level_id: levelId, user_id })));
  }
}
