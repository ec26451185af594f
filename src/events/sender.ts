import type { Knex } from 'knex';
import { clip } from '../../cards/card';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { CardSender, SendFailure, WebhookBotSender } from '../core/ports';
import { toJson } from '../db/knex';
import { isDigestUuid } from './delivery-plan';
import type { Destinations } from './destinations';
import type { EventCardService } from './event-cards';
import type { AlertJobs } from './jobs';
import { digestMessageId, groupOfEvent, pendingMessageId, pendingUuidsOfGroup, rowsOfMessage, webhookSentId, type Channel, type OutboxRow } from './outbox';

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
}

/** `retry`: try again later (after `afterMs` when Feishu said). `refused`: given up, recorded on the events. */
export type SendOutcome = { status: 'sent' | 'gone' | 'refused' } | { status: 'retry'; afterMs: number | null; error: unknown };

const GONE: SendFailure = { feishuCode: null, httpStatus: null, retryable: false, retryAfterMs: null };

export interface SendTarget {
  channel: Channel;
  receiveId: string;
}

/**
 * Sends one planned message of the outbox (see outbox.ts) and records the outcome. The card
 * is rendered when it is sent, so a message that waited shows the event as it is now.
 */
export class OutboxSender {
  constructor(private readonly d: SenderDeps) {}

  private rows(uuid: string): Promise<OutboxRow[]> {
    return rowsOfMessage(this.d.db, [pendingMessageId(uuid)]);
  }

  /** Where the message goes (for rate limits), or null when it is no longer pending. */
  async target(uuid: string): Promise<SendTarget | null> {
    const [first] = await this.rows(uuid);
    return first ? { channel: first.channel, receiveId: first.receiveId } : null;
  }

  /** `lastAttempt`: a failure worth retrying is recorded as a refusal instead. */
  async send(uuid: string, lastAttempt: boolean): Promise<SendOutcome> {
    const rows = await this.rows(uuid);
    const first = rows[0];
    if (!first) return { status: 'gone' };
    const out = await this.attempt(uuid, rows, lastAttempt);
    if (out.status !== 'retry') await this.nextRound(first.eventId);
    return out;
  }

  /** The group's last pending message is out: what arrived meanwhile can be planned now. */
  private async nextRound(eventId: number): Promise<void> {
    const groupId = await groupOfEvent(this.d.db, eventId);
    if (groupId !== null && !(await pendingUuidsOfGroup(this.d.db, groupId)).length) await this.d.jobs.deliver([groupId]);
  }

  private async attempt(uuid: string, rows: OutboxRow[], lastAttempt: boolean): Promise<SendOutcome> {
    const first = rows[0]!;
    const digest = isDigestUuid(uuid);
    const kind = digest ? 'digest' : 'card';
    try {
      const card = await this.d.cards.render(rows, digest);
      if (!card) return await this.refuse(uuid, rows, 'the events are gone', kind);
      const stored = await this.deliver(first, card, uuid);
      if (stored === null) return await this.refuse(uuid, rows, 'Feishu delivery is off', kind);
      await this.record(uuid, rows, digest && stored.startsWith('om_') ? digestMessageId(stored) : stored);
      this.d.metrics.alertNotifications.inc({ channel: first.channel, kind, outcome: 'sent' });
      return { status: 'sent' };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'upstream_failed') throw e;
      const f = e.details as SendFailure;
      if (f.retryable && !lastAttempt) return { status: 'retry', afterMs: f.retryAfterMs, error: e };
      return await this.refuse(uuid, rows, e.message, kind, f.feishuCode);
    }
  }

  /** The stored message_id for the sent copy; null when Feishu is off. */
  private async deliver(row: OutboxRow, card: object, uuid: string): Promise<string | null> {
    switch (row.channel) {
      case 'group':
        return (await this.d.sender.sendToChat(row.receiveId, card, uuid))?.messageId ?? null;
      case 'private':
      case 'escalation':
        return (await this.d.sender.sendToUser(row.receiveId, card, uuid))?.messageId ?? null;
      case 'webhook': {
        const sendGroupId = await groupOfEvent(this.d.db, row.eventId);
        const hook = sendGroupId === null ? null : (await this.d.destinations.forGroup(sendGroupId)).dest?.webhook;
        if (!hook) throw new AppError('upstream_failed', 'the send group no longer has a webhook bot', GONE);
        await this.d.webhookBot.send(hook, card);
        return webhookSentId(this.d.clock.now());
      }
    }
  }

  private async record(uuid: string, rows: OutboxRow[], stored: string): Promise<void> {
    const now = this.d.clock.now();
    const ids = rows.map((r) => r.eventId);
    await this.d.db.transaction(async (trx) => {
      await trx('alert_event_messages').where({ message_id: pendingMessageId(uuid) }).update({ message_id: stored });
      await trx('alert_events').whereIn('id', ids).whereNotNull('notify_error').update({ notify_error: null });
      const detail = { channel: rows[0]!.channel, receiveId: rows[0]!.receiveId, messageId: stored, events: rows.length };
      await trx('event_timeline').insert(ids.map((id) => ({ event_id: id, kind: 'notified', actor: 'promduty', detail: toJson(detail), at: now })));
    });
  }

  private async refuse(uuid: string, rows: OutboxRow[], reason: string, kind: string, feishuCode: number | null = null): Promise<SendOutcome> {
    const now = this.d.clock.now();
    const ids = rows.map((r) => r.eventId);
    const { channel, receiveId } = rows[0]!;
    await this.d.db.transaction(async (trx) => {
      await trx('alert_event_messages').where({ message_id: pendingMessageId(uuid) }).update({ message_id: null });
      await trx('alert_events').whereIn('id', ids).update({ notify_error: clip(`${channel} ${receiveId}: ${reason}`, 500) });
      const detail = toJson({ channel, receiveId, feishuCode, reason: clip(reason, 300) });
      await trx('event_timeline').insert(ids.map((id) => ({ event_id: id, kind: 'notify_failed', actor: 'promduty', detail, at: now })));
    });
    this.d.metrics.alertNotifications.inc({ channel, kind, outcome: 'failed' });
    this.d.logger.warn({ uuid, channel, receiveId, feishuCode, reason, events: ids }, 'alert message not delivered; recorded on the events');
    return { status: 'refused' };
  }
}
