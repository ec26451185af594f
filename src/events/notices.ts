import type { Knex } from 'knex';
import { escLine, mention, type Card } from '../cards/card';
import { clip, formatDuration } from '../core/text';
import { textCard } from '../cards/text-card';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { CardSender, ReplyContent, SendFailure } from '../core/ports';
import { toJson } from '../db/knex';
import type { Destinations } from './destinations';
import { t, type Locale } from '../i18n';
import { loadEvents, type EventRecord } from './event-view';
import { groupNoticeCard } from '../cards/group-notice-card';
import { loadGroups } from './group-view';
import type { ReplyJob } from './jobs';

type GroupNotice = Extract<ReplyJob, { groupId: number }>;
const isGroupNotice = (job: ReplyJob): job is GroupNotice => 'groupId' in job;
import { rowsOfEvents } from './outbox';
import { feishuMessageId, isDigestCopy, isPending } from './outbox-keys';
import type { RateGate, SendOutcome } from './sender';

export interface NoticeDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sender: CardSender;
  destinations: Destinations;
  settings: { locale: Locale };
}

/** How long a reply waits for the card it answers, each time. */
const CARD_WAIT_MS = 1000;

/** Where a notice goes: under an event's own card when there is one, else into the chat. */
interface Where {
  chatId: string | null;
  /** The event's single card in the group chat, to reply under. */
  replyTo: string | null;
  /** The card is still being posted. */
  pending: boolean;
}

const lasted = (r: EventRecord): string =>
  formatDuration((r.view.resolvedAt ?? r.view.lastSeenAt).getTime() - r.view.firstSeenAt.getTime());
const what = (r: EventRecord): string => `#${r.view.id} ${escLine(clip(r.view.alertname, 80))}${r.view.target ? ` · ${escLine(clip(r.view.target, 80))}` : ''}`;

/**
 * The pipeline's messages that are not an event's card: "resolved after 12m" under the card,
 * one summary when many resolve at once, and who an alert was escalated to.
 */
export class NoticeService {
  constructor(private readonly d: NoticeDeps) {}

  /** `wait` also when the card a reply answers is not posted yet. */
  async send(job: ReplyJob, lastAttempt: boolean, gate: RateGate): Promise<SendOutcome> {
    const where = await this.where(job);
    if ((job.kind === 'resolved' || isGroupNotice(job)) && where.pending) return { status: 'wait', afterMs: CARD_WAIT_MS };
    if (!where.chatId || (job.kind === 'resolved' && !where.replyTo)) return { status: 'gone' };
    const wait = await gate(where.chatId);
    if (wait > 0) return { status: 'wait', afterMs: wait };
    const content = await this.content(job);
    if (!content) return { status: 'gone' };
    try {
      if (where.replyTo) await this.d.sender.reply(where.replyTo, content, job.uuid);
      else if ('card' in content && job.kind === 'group-action' && job.to) await this.d.sender.sendToUser(job.to, content.card, job.uuid);
      else if ('card' in content) await this.d.sender.sendToChat(where.chatId, content.card, job.uuid);
      else return { status: 'gone' };
      this.d.metrics.alertNotifications.inc({ channel: 'group', kind: job.kind, outcome: 'sent' });
      return { status: 'sent' };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'upstream_failed') throw e;
      const f = e.details as SendFailure;
      if (f.retryable && !lastAttempt) return { status: 'retry', afterMs: f.retryAfterMs, error: e };
      await this.refused(job, e.message, f.feishuCode);
      return { status: 'refused' };
    }
  }

  /** The event whose cards the notice answers: a group's lead event. */
  private async eventOf(job: ReplyJob): Promise<number | null> {
    if (job.kind === 'resolved-summary') return job.eventIds[0]!;
    if (!isGroupNotice(job)) return job.eventId;
    return (await this.d.db('alert_groups').where({ id: job.groupId }).first('lead_event_id'))?.lead_event_id ?? null;
  }

  private async where(job: ReplyJob): Promise<Where> {
    if (job.kind === 'group-action' && job.to) return { chatId: job.to, replyTo: null, pending: false };
    const eventId = await this.eventOf(job);
    if (eventId === null) return { chatId: null, replyTo: null, pending: false };
    const groupId = (await this.d.db('alert_events').where({ id: eventId }).first('send_group_id'))?.send_group_id;
    const chatId = groupId == null ? null : ((await this.d.destinations.forGroup(groupId)).dest?.feishuChatId ?? null);
    if (job.kind === 'resolved-summary') return { chatId, replyTo: null, pending: false };
    const row = (await rowsOfEvents(this.d.db, [eventId])).find((r) => r.channel === 'group' && r.receiveId === chatId);
    const single = row && !isDigestCopy(row.messageId) ? feishuMessageId(row.messageId) : null;
    return { chatId, replyTo: single, pending: isPending(row?.messageId ?? null) };
  }

  private async content(job: ReplyJob): Promise<ReplyContent | null> {
    if (isGroupNotice(job)) return this.groupContent(job);
    const ids = job.kind === 'resolved-summary' ? job.eventIds : [job.eventId];
    const records = [...(await loadEvents(this.d.db, ids)).values()];
    const first = records[0];
    if (!first) return null;
    const L = this.d.settings.locale;
    switch (job.kind) {
      case 'resolved':
        return { text: t(L, 'notice.resolvedAfter', { lasted: lasted(first), id: first.view.id, alertname: first.view.alertname }) };
      case 'resolved-summary':
        return { card: this.summary(records) };
      case 'escalated': {
        const people = job.users.map((u) => mention(u)).join(' ') || t(L, 'notice.escalatedNobody');
        const markdown = t(L, 'notice.escalated', { what: what(first), people, level: job.level });
        const title = t(L, 'escalation.title', { alertname: first.view.alertname });
        return { card: textCard({ title, markdown, template: 'carmine', subtitle: first.sendGroupName }) };
      }
    }
  }

  /** Always a card: a group's card may be on a digest, and then the notice goes into the chat. */
  private async groupContent(job: GroupNotice): Promise<ReplyContent | null> {
    const g = (await loadGroups(this.d.db, [job.groupId])).get(job.groupId)?.view;
    if (!g) return null;
    return { card: groupNoticeCard(job, g, this.d.clock.now(), this.d.settings.locale) };
  }

  private summary(records: EventRecord[]): Card {
    const L = this.d.settings.locale;
    const lines = records.map((r) => t(L, 'notice.lasted', { what: what(r), lasted: lasted(r) }));
    return textCard({ title: t(L, 'notice.resolvedTitle', { count: records.length }), markdown: lines.join('\n'), template: 'green', subtitle: records[0]!.sendGroupName });
  }

  private async refused(job: ReplyJob, reason: string, feishuCode: number | null): Promise<void> {
    this.d.metrics.alertNotifications.inc({ channel: 'group', kind: job.kind, outcome: 'failed' });
    this.d.logger.warn({ uuid: job.uuid, kind: job.kind, feishuCode, reason }, 'notice not delivered');
    if (isGroupNotice(job)) {
      const detail = toJson({ kind: job.kind, feishuCode, reason: clip(reason, 300) });
      await this.d.db('alert_group_timeline').insert({ group_id: job.groupId, kind: 'notify_failed', actor: 'promduty', detail, at: this.d.clock.now() });
      return;
    }
    const ids = job.kind === 'resolved-summary' ? job.eventIds : [job.eventId];
    const detail = toJson({ channel: 'group', kind: job.kind, feishuCode, reason: clip(reason, 300) });
    await this.d.db('event_timeline').insert(ids.map((id) => ({ event_id: id, kind: 'notify_failed', actor: 'promduty', detail, at: this.d.clock.now() })));
  }
}
