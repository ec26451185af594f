import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { insertRows, updateOnDuplicate } from './sql';

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

/**
 * Every transaction of the pipeline runs READ COMMITTED: under REPEATABLE READ a range
 * update takes gap locks (the one after the newest id, for instance) that stall every
 * insert of a storm behind a delivery round.
 */
export const RC = { isolationLevel: 'read committed' } as const;

const PENDING = 'pending:';
const DIGEST = 'digest:';
const SENT = 'sent:';

const pendingPrefix = (sendGroupId: number): string => `${PENDING}${sendGroupId}:`;
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

const COLUMNS = ['event_id', 'channel', 'receive_id', 'message_id', 'updated_at'];
const toOutboxRow = (r: any): OutboxRow => ({ eventId: r.event_id, channel: r.channel, receiveId: r.receive_id, messageId: r.message_id, updatedAt: r.updated_at });

export async function rowsOfEvents(db: Db, eventIds: number[]): Promise<OutboxRow[]> {
  if (!eventIds.length) return [];
  return (await db('alert_event_messages').whereIn('event_id', eventIds).select(COLUMNS)).map(toOutboxRow);
}

/** The rows one stored message_id value stands for (a digest: one per event on it). */
export async function rowsOfMessage(db: Db, stored: string[]): Promise<OutboxRow[]> {
  return (await db('alert_event_messages').whereIn('message_id', stored).orderBy('event_id').select(COLUMNS)).map(toOutboxRow);
}

/** Plans sends: each row's message_id becomes its pending uuid (replacing an earlier copy's id). */
export async function writePending(trx: Knex.Transaction, rows: OutboxRow[], at: Date): Promise<void> {
  if (!rows.length) return;
  await insertRows(
    trx,
    'alert_event_messages',
    rows.map((r) => ({ event_id: r.eventId, channel: r.channel, receive_id: r.receiveId, message_id: r.messageId, created_at: at, updated_at: at })),
    updateOnDuplicate(['message_id', 'updated_at']),
  );
}

/** A planned message not yet sent: its uuid, its send group and who it goes to. */
export interface PendingSend {
  uuid: string;
  sendGroupId: number;
  recipient: string;
}

/** Every pending send of a send group, oldest first. */
export async function pendingOfGroup(db: Db, sendGroupId: number): Promise<PendingSend[]> {
  const rows = await db('alert_event_messages')
    .where('message_id', 'like', `${pendingPrefix(sendGroupId)}%`)
    .groupBy('message_id')
    .orderByRaw('MIN(id)')
    .select('message_id', db.raw('MIN(receive_id) AS receive_id'));
  return rows.map((r: any) => ({ uuid: uuidOfPending(r.message_id), sendGroupId, recipient: r.receive_id }));
}

/** True while the send group has a message pending. */
export async function hasPending(db: Db, sendGroupId: number): Promise<boolean> {
  return Boolean(await db('alert_event_messages').where('message_id', 'like', `${pendingPrefix(sendGroupId)}%`).first('id'));
}

/** Send groups with a message planned and not yet sent (read from the message_id index alone). */
export async function groupsWithPending(db: Db): Promise<number[]> {
  const rows = await db('alert_event_messages')
    .where('message_id', 'like', `${PENDING}%`)
    .select(db.raw("DISTINCT SUBSTRING_INDEX(message_id, ':', 2) AS g"));
  return rows.map((r: any) => Number(String(r.g).slice(PENDING.length)));
}

/** Messages planned and not yet sent, over every send group: how far behind Feishu's app limit we are. */
export async function pendingTotal(db: Db): Promise<number> {
  const row = await db('alert_event_messages').where('message_id', 'like', `${PENDING}%`).first(db.raw('COUNT(DISTINCT message_id) AS n'));
  return Number(row?.n ?? 0);
}

/**
 * Pending messages per receive id of these recipients, whichever send group planned them
 * (an escalation card counts against the person's budget like any other message). Read
 * from the index on (message_id, receive_id) alone.
 */
export async function backlogOf(db: Db, receiveIds: string[]): Promise<Map<string, number>> {
  if (!receiveIds.length) return new Map();
  const rows = await db('alert_event_messages')
    .where('message_id', 'like', `${PENDING}%`)
    .whereIn('receive_id', receiveIds)
    .groupBy('receive_id')
    .select('receive_id', db.raw('COUNT(DISTINCT message_id) AS n'));
  return new Map(rows.map((r: any) => [r.receive_id as string, Number(r.n)]));
}

/** The real (updatable) Feishu messages showing these events, each once. */
export async function messagesOfEvents(db: Db, eventIds: number[]): Promise<string[]> {
  const rows = await rowsOfEvents(db, eventIds);
  return [...new Set(rows.filter((r) => r.channel !== 'webhook').flatMap((r) => feishuMessageId(r.messageId) ?? []))];
}
