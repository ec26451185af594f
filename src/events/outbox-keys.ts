import { createHash } from 'node:crypto';

/**
 * `alert_event_messages` is the outbox of the alert pipeline: one row per event, channel and
 * recipient, whose `message_id` says where that copy stands:
 *
 *   pending:<g>:<uuid>  planned by send group g, not yet confirmed sent. `uuid` is the send's
 *                    Feishu idempotency key, so sending it again after a crash posts nothing
 *                    twice; the group in front makes "what does g still have to send" one
 *                    index range.
 *   om_…             the app bot's card for this event alone.
 *   digest:om_…      the event is one line of a digest card shared with other events.
 *   sent:<ms>        posted to a custom bot (which returns no id and cannot be updated).
 *   NULL             Feishu refused it for good (the reason is on the event: notify_error).
 *
 * Rows are written in the same transaction as the decision to notify, so a crash between
 * deciding and sending loses nothing: the pending rows are found and sent again. Their
 * `updated_at` is when the copy was planned, then when it was sent: with `message_id` they
 * are the record of where and when each event was notified.
 */
export type Channel = 'group' | 'private' | 'webhook' | 'escalation';

export const PENDING = 'pending:';
const DIGEST = 'digest:';
const SENT = 'sent:';

export const pendingPrefix = (sendGroupId: number): string => `${PENDING}${sendGroupId}:`;
export const pendingMessageId = (sendGroupId: number, uuid: string): string => pendingPrefix(sendGroupId) + uuid;
export const digestMessageId = (messageId: string): string => DIGEST + messageId;
export const webhookSentId = (at: Date): string => SENT + at.getTime();
export const isPending = (stored: string | null): boolean => stored?.startsWith(PENDING) ?? false;
export const uuidOfPending = (stored: string): string => stored.slice(stored.indexOf(':', PENDING.length) + 1);

/** The Feishu message id a stored value stands for; null when it is no updatable message. */
export function feishuMessageId(stored: string | null): string | null {
  if (!stored) return null;
  if (stored.startsWith(DIGEST)) return stored.slice(DIGEST.length);
  return stored.startsWith('om_') ? stored : null;
}

export const isDigestCopy = (stored: string | null): boolean => stored?.startsWith(DIGEST) ?? false;

/** The stored values a Feishu message id may appear as (alone, or as a digest). */
export const storedForms = (messageId: string): string[] => [messageId, digestMessageId(messageId)];

/** Custom bots are keyed by their URL, which is longer than the column and a secret of sorts. */
export const webhookReceiveId = (url: string): string => `hook:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;

export interface OutboxRow {
  eventId: number;
  channel: Channel;
  receiveId: string;
  messageId: string | null;
  /** When the copy was planned, or sent once it is (set when read from the database). */
  updatedAt?: Date;
}

/** A planned message not yet sent: its uuid, its send group and who it goes to. */
export interface PendingSend {
  uuid: string;
  sendGroupId: number;
  recipient: string;
  /** Not before this many ms (a private storm digest left open for more groups to join). */
  delayMs?: number;
}
