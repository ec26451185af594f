import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The requests Feishu sends to an app: `im.message.receive_v1` events and
 * `card.action.trigger` callbacks (schema 2.0), encrypted and signed with the app's encrypt
 * key the way Feishu does it. The sandbox page acts through these, so promduty's receiver
 * checks sandbox traffic exactly as it checks Feishu's.
 */

export interface AppKeys {
  appId: string;
  encryptKey?: string;
  verificationToken?: string;
}

export interface Operator {
  openId: string;
  userId?: string | null;
}

/** The sandbox's tenant; the bot is mentioned in groups under this open_id and name. */
export const SANDBOX_TENANT = 'sandbox_tenant';
export const SANDBOX_BOT = { openId: 'ou_promduty_sandbox_bot', name: 'promduty' } as const;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function header(keys: AppKeys, eventType: string, now: Date): Record<string, string> {
  return {
    event_id: hex(16),
    event_type: eventType,
    create_time: String(now.getTime()),
    token: keys.verificationToken ?? '',
    app_id: keys.appId,
    tenant_key: SANDBOX_TENANT,
  };
}

function senderIds(op: Operator): Record<string, string> {
  return { open_id: op.openId, user_id: op.userId ?? '', union_id: `on_${op.openId.slice(3)}` };
}

export interface MessageInput {
  operator: Operator;
  chatId: string;
  chatType: 'p2p' | 'group';
  messageId: string;
  /**
   * What the user typed; in a group the bot mention is put in front, as Feishu only forwards
   * @bot messages. People are mentioned as `<at user_id="ou_…">Name</at>`.
   */
  text: string;
  now: Date;
}

/** A mention as a user writes it: `<at user_id="ou_…">Name</at>`, the form Feishu's send API takes. */
const AT_TAG = /<at user_id="(ou_[A-Za-z0-9_-]+)">([^<]*)<\/at>/g;

/**
 * The text and mentions Feishu delivers for what a user typed: each mention becomes a key
 * (`@_user_N`) in the text and an entry of `mentions`, numbered after the bot's in a group.
 */
export function mentionsOf(text: string, group: boolean): { text: string; mentions: object[] } {
  const mention = (key: string, openId: string, name: string) => ({
    key,
    id: { open_id: openId, user_id: '', union_id: `on_${openId.slice(3)}` },
    name,
    tenant_key: SANDBOX_TENANT,
  });
  const mentions = group ? [mention('@_user_1', SANDBOX_BOT.openId, SANDBOX_BOT.name)] : [];
  const body = text.replace(AT_TAG, (_, openId: string, name: string) => {
    const key = `@_user_${mentions.length + 1}`;
    mentions.push(mention(key, openId, name));
    return key;
  });
  return { text: group ? `@_user_1 ${body}` : body, mentions };
}

/** A text message to the bot, in a p2p chat or @bot in a group; `<at user_id="ou_…">` tags in it are mentions. */
export function messageEvent(keys: AppKeys, m: MessageInput): object {
  const { text, mentions } = mentionsOf(m.text, m.chatType === 'group');
  const message: Record<string, unknown> = {
    message_id: m.messageId,
    create_time: String(m.now.getTime()),
    chat_id: m.chatId,
    chat_type: m.chatType,
    message_type: 'text',
    content: JSON.stringify({ text }),
  };
  if (mentions.length) message.mentions = mentions;
  return {
    schema: '2.0',
    header: header(keys, 'im.message.receive_v1', m.now),
    event: { sender: { sender_id: senderIds(m.operator), sender_type: 'user', tenant_key: SANDBOX_TENANT }, message },
  };
}

/** What the card element reports: its tag, its callback value and what the user chose or typed. */
export interface CardActionInput {
  tag: string;
  value?: unknown;
  option?: string;
  name?: string;
  formValue?: Record<string, unknown>;
}

export function cardActionEvent(
  keys: AppKeys,
  c: { operator: Operator; messageId: string; chatId: string; action: CardActionInput; now: Date },
): object {
  const action: Record<string, unknown> = { tag: c.action.tag, value: c.action.value ?? {} };
  if (c.action.option !== undefined) action.option = c.action.option;
  if (c.action.name !== undefined) action.name = c.action.name;
  if (c.action.formValue !== undefined) action.form_value = c.action.formValue;
  return {
    schema: '2.0',
    header: header(keys, 'card.action.trigger', c.now),
    event: {
      operator: { tenant_key: SANDBOX_TENANT, ...senderIds(c.operator) },
      token: `c-${hex(20)}`,
      action,
      host: 'im_message',
      context: { open_message_id: c.messageId, open_chat_id: c.chatId },
    },
  };
}

/** `{encrypt}` as Feishu sends it: base64(iv ‖ AES-256-CBC(json)), key sha256(encrypt key). */
export function encryptBody(encryptKey: string, json: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final()]).toString('base64');
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * The exact bytes and headers Feishu would POST. With an encrypt key the body is encrypted
 * and `x-lark-signature` = hex(sha256(timestamp + nonce + encrypt key + body)); without one
 * the body goes in the clear and only its `header.token` vouches for it.
 */
export function signRequest(keys: AppKeys, payload: object, now: Date): SignedRequest {
  const json = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!keys.encryptKey) return { body: json, headers };
  const body = JSON.stringify({ encrypt: encryptBody(keys.encryptKey, json) });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = hex(8);
  const signature = createHash('sha256').update(timestamp + nonce + keys.encryptKey + body).digest('hex');
  return {
    body,
    headers: { ...headers, 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature },
  };
}
