import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { LiveDigest } from './delivery-plan';
import { digestMessageId, feishuMessageId, isDigestCopy, isPending, PENDING, pendingPrefix, uuidOfPending, type OutboxRow, type PendingSend } from './outbox-keys';
import { insertRows, updateOnDuplicate } from './sql';

/**
 * The outbox's SQL: reading and planning `alert_event_messages` rows (what their message_id
 * values mean: outbox-keys.ts).
 */

/**
 * Every transaction of the pipeline runs READ COMMITTED: under REPEATABLE READ a range
 * update takes gap locks (the one after the newest id, for instance) that stall every
 * insert of a storm behind a delivery round.
 */
export const RC = { isolationLevel: 'read committed' } as const;

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

/** Every pending send of a send group, oldest first, with how many outbox rows it holds. */
export async function pendingOfGroup(db: Db, sendGroupId: number): Promise<(PendingSend & { rows: number })[]> {
  const rows = await db('alert_event_messages')
    .where('message_id', 'like', `${pendingPrefix(sendGroupId)}%`)
    .groupBy('message_id')
    .orderByRaw('MIN(id)')
    .select('message_id', db.raw('MIN(receive_id) AS receive_id'), db.raw('COUNT(*) AS n'));
  return rows.map((r: any) => ({ uuid: uuidOfPending(r.message_id), sendGroupId, recipient: r.receive_id, rows: Number(r.n) }));
}

/**
 * Locks the rows of planned messages that a delivery round adds to, and says whether each is
 * still unsent: a send records its rows under the same locks, so it either finished first
 * (the round must plan afresh) or records the added rows too (sender.ts).
 */
export async function lockPending(trx: Knex.Transaction, pending: string[]): Promise<boolean> {
  for (const id of pending) {
    if (!(await trx('alert_event_messages').where({ message_id: id }).forUpdate().first('id'))) return false;
  }
  return true;
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

/**
 * The real (updatable) Feishu messages showing these events, each once: their own, and their
 * group's (a group's cards are the outbox rows of its lead event).
 */
export async function messagesOfEvents(db: Db, eventIds: number[]): Promise<string[]> {
  if (!eventIds.length) return [];
  const leads = (
    await db('alert_events as e').join('alert_groups as g', 'g.id', 'e.group_id').whereIn('e.id', eventIds).whereNotNull('g.lead_event_id').distinct('g.lead_event_id').pluck('g.lead_event_id')
  ).map(Number);
  const rows = await rowsOfEvents(db, [...new Set([...eventIds, ...leads])]);
  return [...new Set(rows.filter((r) => r.channel !== 'webhook').flatMap((r) => feishuMessageId(r.messageId) ?? []))];
}

/** Where a word about an event goes in a chat (chatCardOf). */
export interface ChatCard {
  /** The card to reply under; null when there is none (not sent yet, or the event is on a digest). */
  replyTo: string | null;
  /** The card is planned and not sent yet, or not planned yet: its delivery round is to come. */
  pending: boolean;
}

/**
 * The card in `chatId` showing this event: its alert group's (a group's rows are on its lead
 * event, whichever alert of the group the word is about), else the event's own.
 */
export async function chatCardOf(db: Db, eventId: number, chatId: string): Promise<ChatCard> {
  const lead = (await db('alert_events as e').join('alert_groups as g', 'g.id', 'e.group_id').where('e.id', eventId).first('g.lead_event_id'))?.lead_event_id;
  const cardEvents: number[] = lead == null || Number(lead) === eventId ? [eventId] : [Number(lead), eventId];
  const rows = await rowsOfEvents(db, cardEvents);
  const row = cardEvents.map((id) => rows.find((r) => r.eventId === id && r.channel === 'group' && r.receiveId === chatId)).find((r) => r !== undefined);
  if (!row) {
    const unplanned = await db('alert_events').where({ id: cardEvents[0] }).whereNull('last_notified_at').first('id');
    return { replyTo: null, pending: unplanned !== undefined };
  }
  if (isPending(row.messageId)) return { replyTo: null, pending: true };
  return { replyTo: isDigestCopy(row.messageId) ? null : feishuMessageId(row.messageId), pending: false };
}

/**
 * The storm digest a send group last posted to `chatId`, if it was posted at `since` or later:
 * its message and how many groups it lists (its outbox rows, read from the message_id index).
 */
export async function liveDigestOf(db: Db, sendGroupId: number, chatId: string, since: Date): Promise<LiveDigest | null> {
  const live = await db('live_digests').where({ send_group_id: sendGroupId, receive_id: chatId }).where('posted_at', '>=', since).first('message_id');
  if (!live) return null;
  const row = await db('alert_event_messages').where({ message_id: digestMessageId(live.message_id), receive_id: chatId }).first(db.raw('COUNT(*) AS n'));
  return { messageId: live.message_id, groups: Number(row?.n ?? 0) };
}

/** A storm digest was just posted to a group chat: later rounds of the storm add to it. */
export async function markLiveDigest(db: Db, sendGroupId: number, chatId: string, messageId: string, at: Date): Promise<void> {
  await insertRows(db, 'live_digests', [{ send_group_id: sendGroupId, receive_id: chatId, message_id: messageId, posted_at: at }], updateOnDuplicate(['message_id', 'posted_at']));
}
