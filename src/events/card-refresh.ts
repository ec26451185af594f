import type { Locale } from '../i18n';
import type { Knex } from 'knex';
import { alertCard } from '../cards/alert-card';
import type { ActionButtonView } from '../cards/action-buttons';
import type { AlertEventView } from '../cards/alert-parts';
import type { Card, Person } from '../cards/card';
import { digestCard } from '../cards/digest-card';
import { escalationCard } from '../cards/escalation-card';
import { groupCard, type GroupCardInput } from '../cards/group-card';
import type { AlertGroupView } from '../cards/group-parts';
import { groupDigestCard } from '../cards/group-digest-card';
import { loadGroups } from './group-view';
import type { Clock } from '../core/clock';
import { isAppError, type AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isPermanentSendFailure, type CardSender } from '../core/ports';
import type { OncallService } from '../oncall/roster-service';
import { loadEventLines, loadEvents, loadFiring, type EventRecord } from './event-view';
import { messagesOfEvents, rowsOfMessage } from './outbox';
import { isDigestCopy, storedForms, type OutboxRow } from './outbox-keys';

export interface EventCardDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  sender: CardSender;
  oncall: Pick<OncallService, 'oncallNow'>;
  /** settings.timezone */
  timezone: string;
  /** settings.locale */
  locale: Locale;
  /** What one escalation "minute" is (settings.alerts.escalationMinuteMs). */
  escalationMinuteMs: number;
  /** The remediation actions an event's card offers as buttons (src/remedy). */
  actionButtons?: (eventId: number) => Promise<ActionButtonView[]>;
}

export interface RefreshResult {
  /** Feishu message ids updated. */
  patched: string[];
  /** Feishu refused for good (deleted, older than 14 days): not retried. */
  refused: string[];
}

/**
 * Every card of an alert event, rendered from the database as it is now: the alert card in
 * the group chat and in private chats, the escalation card, the digest an event is a line of.
 * Re-rendering is always safe, so anything that changes an event (repeat, resolve, claim,
 * silence, escalation) just asks for its cards to be refreshed.
 */
export class EventCardService {
  constructor(private readonly d: EventCardDeps) {}

  /** The card for outbox rows sharing one message (several rows: a digest). */
  async render(rows: OutboxRow[], digest: boolean): Promise<Card | null> {
    const first = rows[0];
    if (!first) return null;
    const now = this.d.clock.now();
    const withButtons = first.channel !== 'webhook';
    const timezone = this.d.timezone;
    const grouped = await this.renderGroups(rows, digest, now);
    if (grouped) return grouped;
    if (digest) {
      const { lines, sendGroupName } = await loadEventLines(this.d.db, rows.map((r) => r.eventId));
      const alerts = rows.flatMap((r) => lines.get(r.eventId) ?? []);
      return alerts.length ? digestCard({ sendGroupName, alerts, timezone, now, withButtons, locale: this.d.locale }) : null;
    }
    const records = await loadEvents(this.d.db, [first.eventId]);
    const rec = records.get(first.eventId);
    if (!rec) return null;
    const facts = { event: rec.view, sendGroupName: rec.sendGroupName, oncall: await this.oncallOf(rec), timezone, now, locale: this.d.locale };
    if (first.channel === 'escalation') {
      const escalatedAt = first.updatedAt ?? now;
      const unclaimedMinutes = Math.max(0, Math.floor((escalatedAt.getTime() - rec.view.firstSeenAt.getTime()) / this.d.escalationMinuteMs));
      return escalationCard({ ...facts, level: Math.max(1, rec.view.escalationLevel), unclaimedMinutes, eventUrl: null });
    }
    const actions = withButtons && this.d.actionButtons ? await this.d.actionButtons(rec.view.id) : [];
    return alertCard({ ...facts, withButtons, eventUrl: null, actions });
  }

  /**
   * A message of alert groups (its rows are on the groups' lead events): one group's card, its
   * escalation card, or a storm digest of groups. Null when the rows are no group's.
   */
  private async renderGroups(rows: OutboxRow[], digest: boolean, now: Date): Promise<Card | null> {
    const leads = await this.d.db('alert_groups').whereIn('lead_event_id', rows.map((r) => r.eventId)).select('id', 'lead_event_id');
    if (!leads.length) return null;
    const groups = await loadGroups(this.d.db, leads.map((l: any) => l.id));
    const first = rows[0]!;
    const base = { timezone: this.d.timezone, now, withButtons: first.channel !== 'webhook', locale: this.d.locale };
    if (digest) {
      const views = [...groups.values()].map((g) => g.view);
      const oncall = await this.oncallOfGroup([...groups.values()][0]?.oncallGroupId ?? null);
      return views.length ? groupDigestCard({ ...base, sendGroupName: views[0]!.sendGroupName, groups: views, oncall }) : null;
    }
    const g = groups.get(leads[0].id);
    if (!g) return null;
    const oncall = await this.oncallOfGroup(g.oncallGroupId);
    const actions = base.withButtons ? await this.groupActions(g.view) : undefined;
    if (first.channel === 'escalation') {
      const at = first.updatedAt ?? now;
      const minutes = Math.max(0, Math.floor((at.getTime() - g.view.firstSeenAt.getTime()) / this.d.escalationMinuteMs));
      return groupCard({ ...base, group: g.view, oncall, actions, escalation: { level: Math.max(1, g.view.escalationLevel), unacknowledgedMinutes: minutes } });
    }
    return groupCard({ ...base, group: g.view, oncall, actions });
  }

  /**
   * The remediation actions a group's card offers: those of its first firing alert (the lead
   * while it fires), run on that alert. Other alerts of the group: `/actions run <name> <id>`.
   */
  private async groupActions(group: AlertGroupView): Promise<GroupCardInput['actions']> {
    const target = group.alerts.filter((a) => a.status === 'firing').sort((a, b) => a.id - b.id)[0];
    if (!target || !this.d.actionButtons) return undefined;
    const list = await this.d.actionButtons(target.id);
    return list.length ? { eventId: target.id, list, locale: this.d.locale } : undefined;
  }

  /** A group's card as it is now (for `/group ID` and the answer to a click on a command's card). */
  async groupCardOf(groupId: number): Promise<Card | null> {
    const g = (await loadGroups(this.d.db, [groupId])).get(groupId);
    if (!g) return null;
    const actions = await this.groupActions(g.view);
    return groupCard({ group: g.view, oncall: await this.oncallOfGroup(g.oncallGroupId), timezone: this.d.timezone, now: this.d.clock.now(), withButtons: true, actions, locale: this.d.locale });
  }

  /** The current card of a message promduty sent for an event; null when it is none of ours. */
  async forMessage(messageId: string): Promise<Card | null> {
    const rows = await rowsOfMessage(this.d.db, storedForms(messageId));
    return this.render(rows, rows.some((r) => isDigestCopy(r.messageId)));
  }

  /** Firing events (at most `limit`, newest first) and how many fire in all: `/alerts`. */
  async active(limit: number): Promise<{ events: AlertEventView[]; total: number }> {
    const { records, total } = await loadFiring(this.d.db, limit);
    return { events: records.map((r) => r.view), total };
  }

  /**
   * Re-renders one message and updates it in Feishu. False when the message is none of ours
   * or Feishu refused for good; throws when a retry may help.
   */
  async refreshMessage(messageId: string): Promise<boolean> {
    const card = await this.forMessage(messageId);
    if (!card) return false;
    try {
      return await this.d.sender.patch(messageId, card);
    } catch (e) {
      if (!isPermanentSendFailure(e)) throw e;
      this.d.logger.warn({ err: e, messageId }, 'card update refused for good');
      return false;
    }
  }

  /**
   * Updates every copy of the event's cards now: group, private, escalation, and any digest
   * it is on. Tries them all, then throws the first error worth a retry, if any.
   */
  async refreshEventCards(eventId: number): Promise<RefreshResult> {
    const out: RefreshResult = { patched: [], refused: [] };
    let retry: AppError | undefined;
    for (const messageId of await messagesOfEvents(this.d.db, [eventId])) {
      try {
        if (await this.refreshMessage(messageId)) out.patched.push(messageId);
        else out.refused.push(messageId);
      } catch (e) {
        if (!isAppError(e)) throw e;
        retry ??= e;
      }
    }
    if (retry) throw retry;
    return out;
  }

  private oncallOf(rec: EventRecord): Promise<Person | null> {
    return this.oncallOfGroup(rec.oncallGroupId);
  }

  private async oncallOfGroup(oncallGroupId: number | null): Promise<Person | null> {
    if (oncallGroupId === null) return null;
    try {
      return await this.d.oncall.oncallNow(oncallGroupId, this.d.clock.now());
    } catch (e) {
      // A card without the mention beats no card.
      this.d.logger.warn({ err: e, groupId: oncallGroupId }, 'on-call lookup failed');
      return null;
    }
  }
}
