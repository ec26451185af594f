import { z } from 'zod';
import type { CardCallback } from '../chat/card-actions';
import type { InboundMessage } from '../chat/types';

/**
 * The SDK flattens a schema 2.0 callback (`header` and `event` merged into one object);
 * these pick out what promduty uses, tolerating every field Feishu adds.
 */
const messageEvent = z.object({
  sender: z.object({ sender_id: z.object({ open_id: z.string() }), sender_type: z.string().optional() }),
  message: z.object({
    message_id: z.string(),
    chat_id: z.string(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(z.object({ key: z.string(), name: z.string().optional(), id: z.object({ open_id: z.string().optional() }).partial().optional() })).optional(),
  }),
});

const cardEvent = z.object({
  operator: z.object({ open_id: z.string() }),
  action: z.object({ value: z.unknown(), option: z.unknown(), form_value: z.unknown() }).partial(),
  context: z.object({ open_message_id: z.string().optional() }).optional(),
});

/** The event id Feishu retries under: `event_id` (schema 2.0) or `uuid` (v1). */
export function eventIdOf(data: Record<string, unknown>): string | null {
  const id = data.event_id ?? data.uuid;
  return typeof id === 'string' && id ? id : null;
}

/** Text of a `text` message, or the text runs of a rich `post` (its @ elements as their keys). */
function textOf(type: string, content: string): string {
  let parsed: any;
  try {
    parsed = JSON.parse(content);
  } catch {
    return '';
  }
  if (type === 'text') return typeof parsed?.text === 'string' ? parsed.text : '';
  if (type !== 'post' || !Array.isArray(parsed?.content)) return '';
  const runs = (parsed.content as unknown[][]).flat() as Array<{ tag?: string; text?: string; user_id?: string }>;
  return runs.map((r) => (r.tag === 'text' ? (r.text ?? '') : r.tag === 'at' ? ` ${r.user_id ?? ''} ` : '')).join('');
}

/** A user's message to the bot; null for messages of other bots and for shapes we do not know. */
export function inboundMessage(data: unknown): InboundMessage | null {
  const r = messageEvent.safeParse(data);
  if (!r.success) return null;
  const { sender, message: m } = r.data;
  if (sender.sender_type && sender.sender_type !== 'user') return null;
  return {
    messageId: m.message_id,
    chatId: m.chat_id,
    chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
    senderOpenId: sender.sender_id.open_id,
    text: textOf(m.message_type, m.content),
    mentions: (m.mentions ?? []).map((x) => ({ key: x.key, openId: x.id?.open_id ?? null, name: x.name ?? '' })),
  };
}

export function cardCallback(data: unknown): CardCallback | null {
  const r = cardEvent.safeParse(data);
  if (!r.success) return null;
  return { operatorOpenId: r.data.operator.open_id, action: r.data.action, messageId: r.data.context?.open_message_id ?? null };
}
