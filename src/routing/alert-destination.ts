import type { Db } from '../db/knex';
import type { PageChannel, SendGroupPaging } from '../paging/model';
import { loadSendGroups, type SendGroup } from './send-group-rows';

export interface DestinationUser {
  id: number;
  name: string;
  /** Feishu open_id; null when the user has none (they cannot be messaged). */
  openId: string | null;
}

/** Everything the alert pipeline needs to deliver and escalate an alert of one send group. */
export interface AlertDestination {
  sendGroupId: number;
  name: string;
  /** True when the alert's own send group was missing, unknown or disabled and the default took over. */
  fallback: boolean;
  alertmanagerClusterId: number;
  oncallGroupId: number | null;
  notifyOncallPrivate: boolean;
  sendResolved: boolean;
  /** Feishu group chat of the app bot. */
  feishuChatId: string | null;
  /** Custom bot webhook with its signing secret (null when the bot does not sign). */
  webhook: { url: string; secret: string | null } | null;
  /** First-level users. */
  users: DestinationUser[];
  escalation: { enabled: boolean; reminderMinutes: number; levels: { level: number; afterMinutes: number; channel: PageChannel; users: DestinationUser[] }[] };
  /** Per severity, how the people messaged privately are paged. */
  paging: SendGroupPaging;
}

/** The send group id a `send_group` label names (surrounding spaces ignored), or null: missing or not an id. */
export function sendGroupIdOf(label: string | undefined): number | null {
  const v = label?.trim();
  return v !== undefined && /^[1-9]\d{0,9}$/.test(v) ? Number(v) : null;
}

/**
 * The destination of an alert by its `send_group` label (the send group id as text):
 *   - the named group when it exists and is enabled (`fallback: false`);
 *   - otherwise (label missing, not an id, unknown group, disabled group) the default
 *     send group, when there is one and it is enabled (`fallback: true`);
 *   - otherwise null: nowhere to send; the caller records the event and logs it.
 * A disabled group means "do not notify through this group", but its alerts still reach
 * someone through the default rather than vanishing.
 */
export async function resolveForAlert(db: Db, sendGroupIdLabel: string | undefined): Promise<AlertDestination | null> {
  const id = sendGroupIdOf(sendGroupIdLabel);
  const own = id !== null ? (await loadSendGroups(db, (q) => q.where({ id, enabled: true })))[0] : undefined;
  const group = own ?? (await loadSendGroups(db, (q) => q.where({ is_default: true, enabled: true }).limit(1)))[0];
  if (!group) return null;
  return toDestination(db, group, !own);
}

async function toDestination(db: Db, g: SendGroup, fallback: boolean): Promise<AlertDestination> {
  const ids = [...new Set([...g.userIds, ...g.escalation.levels.flatMap((l) => l.userIds)])];
  const rows = ids.length ? await db('users').whereIn('id', ids).select('id', 'name', 'feishu_open_id') : [];
  const byId = new Map<number, DestinationUser>(rows.map((r: any) => [r.id, { id: r.id, name: r.name, openId: r.feishu_open_id }]));
  const users = (list: number[]) => list.flatMap((u) => byId.get(u) ?? []);
  return {
    sendGroupId: g.id,
    name: g.name,
    fallback,
    alertmanagerClusterId: g.alertmanagerClusterId,
    oncallGroupId: g.oncallGroupId,
    notifyOncallPrivate: g.notifyOncallPrivate,
    sendResolved: g.sendResolved,
    feishuChatId: g.feishuChatId,
    webhook: g.webhookUrl ? { url: g.webhookUrl, secret: g.webhookSecret } : null,
    users: users(g.userIds),
    escalation: {
      enabled: g.escalation.enabled,
      reminderMinutes: g.escalation.reminderMinutes,
      levels: g.escalation.levels.map((l, i) => ({ level: i + 1, afterMinutes: l.afterMinutes, channel: l.channel, users: users(l.userIds) })),
    },
    paging: g.paging,
  };
}
