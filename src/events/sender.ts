import type { Knex } from 'knex';
import { clip } from '../core/text';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { CardSender, SendFailure, WebhookBotSender } from '../core/ports';
import { toJson } from '../db/knex';
import { isDigestUuid, plannedCount } from './delivery-plan';
import type { Destinations } from './destinations';
import type { EventCardService } from './card-refresh';
import type { AlertJobs } from './jobs';
import type { Paging } from '../paging/paging';
import { hasPending, markLiveDigest, RC, rowsOfMessage } from './outbox';
import { digestMessageId, pendingMessageId, webhookSentId, type OutboxRow } from './outbox-keys';

export interface SenderDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sender: CardSender;
  webhookBot: WebhookBotSender;
  cards: EventCardService;
  destinations: Destinations;
  jobs: AlertJobs;
  /** Hears of every private and escalation card sent: the buzzes riding on it go next. */
  paging: Pick<Paging, 'sent'>;
}

/**
 * `wait`: not sent yet, come back after `afterMs` (the recipient's rate limit). `retry`: Feishu
 * failed, try again later (after `afterMs` when Feishu said). `refused`: given up, recorded.
 */
export type SendOutcome =
  | { status: 'sent' | 'gone' | 'refused' }
  | { status: 'wait'; afterMs: number }
  | { status: 'retry'; afterMs: number | null; error: unknown };

/** Milliseconds to wait before the next message to `recipient` (0: go now), counting this one. */
export type RateGate = (recipient: string) => Promise<number>;

const GONE: SendFailure = { feishuCode: null, httpStatus: null, retryable: false, retryAfterMs: null };

/**
 * Sends one planned message of the outbox (see outbox.ts) and records the outcome. The card
 * is rendered when it is sent, so a message that waited shows the event as it is now.
 */
export class OutboxSender {
  constructor(private readonly d: SenderDeps) {}

  /**
   * `lastAttempt`: a failure worth retrying is recorded as a refusal instead. `ranBefore`: an
   * earlier run of this send may have reached Feishu (a retry, a crash).
   */
  async send(sendGroupId: number, uuid: string, lastAttempt: boolean, gate: RateGate, ranBefore = false): Promise<SendOutcome> {
    const pending = pendingMessageId(sendGroupId, uuid);
    const rows = await rowsOfMessage(this.d.db, [pending]);
    const first = rows[0];
    if (!first) return { status: 'gone' };
    const wait = await gate(first.receiveId);
    if (wait > 0) return { status: 'wait', afterMs: wait };
    const out = await this.attempt(sendGroupId, pending, uuid, rows, lastAttempt, ranBefore);
    // The group's last pending message is out: what arrived meanwhile can be planned now.
    if (out.status !== 'retry' && !(await hasPending(this.d.db, sendGroupId))) await this.d.jobs.deliver([sendGroupId]);
    return out;
  }

  private async attempt(sendGroupId: number, pending: string, uuid: string, rows: OutboxRow[], lastAttempt: boolean, ranBefore: boolean): Promise<SendOutcome> {
    const first = rows[0]!;
    const digest = isDigestUuid(uuid);
    const kind = digest ? 'digest' : 'card';
    try {
      const card = await this.d.cards.render(rows, digest);
      if (!card) return await this.refuse(pending, rows, 'the events are gone', kind);
      const stored = await this.deliver(sendGroupId, first, card, uuid);
      if (stored === null) return await this.refuse(pending, rows, 'Feishu delivery is off', kind);
      const recorded =
        digest && first.channel === 'group' && stored.startsWith('om_')
          ? await this.recordLiveDigest(sendGroupId, pending, first.receiveId, stored)
          : await this.record(pending, digest && stored.startsWith('om_') ? digestMessageId(stored) : stored);
      // Groups that joined a digest (delivery-plan.ts: joinWaiting) after it was rendered are
      // recorded on it; an update shows them. So does one after a second send of its uuid (a
      // retry, a crash), which Feishu answers with the message it already has, as it was.
      const joinedLate = recorded > rows.length || (ranBefore && rows.length > plannedCount(uuid));
      if (digest && stored.startsWith('om_') && joinedLate) await this.d.jobs.patch([stored]);
      if (first.channel === 'private' || first.channel === 'escalation') await this.d.paging.sent(uuid, stored);
      this.d.metrics.alertNotifications.inc({ channel: first.channel, kind, outcome: 'sent' });
      return { status: 'sent' };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'upstream_failed') throw e;
      const f = e.details as SendFailure;
      if (f.retryable && !lastAttempt) return { status: 'retry', afterMs: f.retryAfterMs, error: e };
      return await this.refuse(pending, rows, e.message, kind, f.feishuCode);
    }
  }

  /** The stored message_id for the sent copy; null when Feishu is off. */
  private async deliver(sendGroupId: number, row: OutboxRow, card: object, uuid: string): Promise<string | null> {
    switch (row.channel) {
      case 'group':
        return (await this.d.sender.sendToChat(row.receiveId, card, uuid))?.messageId ?? null;
      case 'private':
      case 'escalation':
        return (await this.d.sender.sendToUser(row.receiveId, card, uuid))?.messageId ?? null;
      case 'webhook': {
        const hook = (await this.d.destinations.forGroup(sendGroupId)).dest?.webhook;
        if (!hook) throw new AppError('upstream_failed', 'the send group no longer has a webhook bot', GONE);
        await this.d.webhookBot.send(hook, card);
        return webhookSentId(this.d.clock.now());
      }
    }
  }

  /**
   * The copies are sent: their outbox rows now hold the message and when it went out. That is
   * the delivery record (no timeline row per event and recipient: in a storm those were a
   * third of the database's work, saying again what the outbox says). Returns how many rows it
   * recorded: those rendered, and any that joined meanwhile.
   */
  private async record(pending: string, stored: string, db: Knex = this.d.db): Promise<number> {
    return db('alert_event_messages').where({ message_id: pending }).update({ message_id: stored, updated_at: this.d.clock.now() });
  }

  /** A storm digest in a group chat: recorded, and the chat's live digest from now on (delivery.ts). */
  private async recordLiveDigest(sendGroupId: number, pending: string, chatId: string, messageId: string): Promise<number> {
    return this.d.db.transaction(async (trx) => {
      const n = await this.record(pending, digestMessageId(messageId), trx);
      await markLiveDigest(trx, sendGroupId, chatId, messageId, this.d.clock.now());
      return n;
    }, RC);
  }

  private async refuse(pending: string, rows: OutboxRow[], reason: string, kind: string, feishuCode: number | null = null): Promise<SendOutcome> {
    const now = this.d.clock.now();
    const ids = rows.map((r) => r.eventId);
    const { channel, receiveId } = rows[0]!;
    await this.d.db.transaction(async (trx) => {
      await trx('alert_event_messages').where({ message_id: pending }).update({ message_id: null });
      await trx('alert_events').whereIn('id', ids).update({ notify_error: clip(`${channel} ${receiveId}: ${reason}`, 500) });
      const detail = toJson({ channel, receiveId, feishuCode, reason: clip(reason, 300) });
      await trx('event_timeline').insert(ids.map((id) => ({ event_id: id, kind: 'notify_failed', actor: 'promduty', detail, at: now })));
    }, RC);
    this.d.metrics.alertNotifications.inc({ channel, kind, outcome: 'failed' });
    this.d.logger.warn({ message: pending, channel, receiveId, feishuCode, reason, events: ids }, 'alert message not delivered; recorded on the events');
    return { status: 'refused' };
  }
}
