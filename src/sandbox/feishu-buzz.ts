import { CODE, fail, ok, type FeishuReply } from './feishu-replies';
import type { SandboxMessage, SandboxStore } from './feishu-store';

export type BuzzKind = 'app' | 'sms' | 'phone';

/**
 * What the sandbox's tenant allows, as Feishu's admin console and app scopes would: SMS and
 * phone buzzes cost money and are often off (the app lacks `im:message.urgent:sms` /
 * `:phone`), the paid quota runs out, each person may have at most 200 unread buzzes, and a
 * group may let only its owners and admins buzz.
 */
export interface BuzzPolicy {
  /** Scopes granted per kind; a missing one answers 99991672. Default: all. */
  scopes: Record<BuzzKind, boolean>;
  /** SMS + phone buzzes left in the tenant's quota (null: unlimited); none left answers 230024. */
  paidQuota: number | null;
  /** Unread buzzes a person may have (Feishu: 200); one more answers 230023. */
  unreadCap: number;
  /** Whether group members (the bot among them) may buzz in group chats; false answers 230052. */
  groupMembersMayBuzz: boolean;
}

export const DEFAULT_BUZZ_POLICY: BuzzPolicy = { scopes: { app: true, sms: true, phone: true }, paidQuota: null, unreadCap: 200, groupMembersMayBuzz: true };

const ID_FORMAT: Record<string, RegExp> = { open_id: /^ou_\S+$/, union_id: /^on_\S+$/, user_id: /^\S+$/ };
const LIST_MAX = 200;
const SCOPE: Record<BuzzKind, string> = { app: 'im:message.urgent', sms: 'im:message.urgent:sms', phone: 'im:message.urgent:phone' };

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * PATCH /open-apis/im/v1/messages/:id/urgent_{app,sms,phone} with Feishu's checks, in its
 * order: parameters, the scope of the kind, the message (only the bot's own), the chat's buzz
 * permission, the people (only members of the message's chat count; none valid is 230001),
 * each one's unread cap, the paid quota. Records each buzz on the message.
 */
export function buzzMessage(
  store: SandboxStore,
  policy: BuzzPolicy,
  req: { messageId: string; kind: BuzzKind; userIdType: string | undefined; body: Record<string, unknown>; now: number },
): FeishuReply {
  const format = req.userIdType ? ID_FORMAT[req.userIdType] : undefined;
  if (!format) return fail(CODE.fieldValidation, 'user_id_type must be open_id, user_id or union_id');
  const list: unknown = req.body.user_id_list;
  if (!Array.isArray(list) || list.length === 0 || !list.every(nonEmpty)) return fail(CODE.fieldValidation, 'user_id_list must be a non-empty list of ids');
  if (list.length > LIST_MAX) return fail(CODE.fieldValidation, `user_id_list holds at most ${LIST_MAX} ids`);
  if (!policy.scopes[req.kind]) return fail(CODE.scopeMissing, `[${SCOPE[req.kind]}]`);
  const message = store.find(req.messageId);
  if (!message) return fail(CODE.invalidParam, `message ${req.messageId} not found`);
  if (message.via !== 'app') return fail(CODE.botNotSender);
  const p2p = message.receive_id_type !== 'chat_id';
  if (!p2p && !policy.groupMembersMayBuzz) return fail(CODE.cannotBuzz, 'only the group owner and admins may buzz in this chat');
  // A private message's chat holds its one person; a group's members are not modelled: any well-formed id.
  const member = (id: string): boolean => format.test(id) && (!p2p || (message.receive_id_type === req.userIdType && message.receive_id === id));
  const valid = [...new Set(list.filter(member))];
  if (!valid.length) return fail(CODE.invalidParam, 'no user in user_id_list is in the message chat');
  const capped = valid.find((id) => store.unreadBuzzesOf(id) >= policy.unreadCap);
  if (capped) return fail(CODE.buzzUnreadCap, capped);
  if (req.kind !== 'app' && policy.paidQuota !== null) {
    if (policy.paidQuota < valid.length) return fail(CODE.buzzQuota);
    policy.paidQuota -= valid.length;
  }
  record(store, message, req.kind, valid, req.now);
  return ok({ invalid_user_id_list: list.filter((id) => !member(id)) });
}

function record(store: SandboxStore, message: SandboxMessage, kind: BuzzKind, ids: string[], now: number): void {
  message.urgent = [...new Set([...(message.urgent ?? []), ...ids])];
  message.buzzes = [...(message.buzzes ?? []), ...ids.map((openId) => ({ kind, openId, at: now }))];
  for (const id of ids) store.addUnreadBuzz(id);
  store.changed();
}
