import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Db } from '../db/knex';
import type { BuzzService } from './buzz-service';
import { buzzesFor, type PagedMessage, type PagedPerson } from './intents';
import { NO_SETTINGS, type PageChannel, type SendGroupPaging } from './model';
import type { NotifySettingsService } from './notify-settings';
import { planBuzz } from './plan';

export interface PagingDeps {
  db: Knex;
  clock: Clock;
  settings: Pick<NotifySettingsService, 'forUsers'>;
  buzzes: BuzzService;
}

/**
 * What the alert pipeline asks of paging: plan the buzzes of the private messages it plans
 * (alerts by the send group's paging, escalation cards by their level's channel), hear when a
 * message went out, and page someone added as a responder. The decisions are planBuzz's.
 */
export class Paging {
  constructor(private readonly d: PagingDeps) {}

  /** In the transaction that plans the private cards of a send group's alerts. */
  async planAlertCards(trx: Db, paging: SendGroupPaging, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    await this.plan(trx, 'alert', paging, messages, severityOf);
  }

  /** In the transaction that records an escalation level: its cards, paged by the level's channel. */
  async planEscalationCards(trx: Db, channel: PageChannel, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    await this.plan(trx, 'escalation', channel, messages, severityOf);
  }

  /** A message promduty planned went out; the buzzes riding on it are queued. */
  async sent(uuid: string, messageId: string): Promise<void> {
    await this.d.buzzes.sent(uuid, messageId);
  }

  /**
   * Someone was added as a responder and sent the private card `messageId`: buzz them in the
   * app (their rules may ask for more; quiet hours still hold for non-critical alerts). Once
   * per card and person. Returns whether a buzz was planned.
   */
  async pageResponder(r: { openId: string; messageId: string; eventId: number | null; groupKey: string | null; severity: string | null }): Promise<boolean> {
    const person = (await this.people(this.d.db, [r.openId])).get(r.openId);
    const plan = planBuzz({ purpose: 'responder', severity: r.severity, policy: 'buzz_app', settings: person?.settings ?? NO_SETTINGS, nowMs: this.d.clock.now().getTime() });
    if (!plan) return false;
    const key = `responder:${r.messageId}:${r.openId}`;
    await this.d.buzzes.plan(this.d.db, [
      { key, sendUuid: null, messageId: r.messageId, openId: r.openId, userId: person?.userId ?? null, eventId: r.eventId, groupKey: r.groupKey, purpose: 'responder', kind: plan.kind, dueAt: new Date(plan.dueAtMs), why: plan.why },
    ]);
    await this.d.buzzes.queueKeys([key]);
    return true;
  }

  private async plan(trx: Db, purpose: 'alert' | 'escalation', policy: SendGroupPaging | PageChannel, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    if (!messages.length || policy === 'chat' || (typeof policy === 'object' && !Object.values(policy).some((c) => c !== 'chat'))) return;
    const people = await this.people(trx, messages.map((m) => m.openId));
    const planned = buzzesFor({ purpose, messages, severityOf, policy, people, nowMs: this.d.clock.now().getTime() });
    await this.d.buzzes.plan(
      trx,
      planned.map((b) => ({ ...b, messageId: null, groupKey: null })),
    );
  }

  /** The promduty users behind these open_ids, with their notification settings. */
  private async people(db: Db, openIds: string[]): Promise<Map<string, PagedPerson>> {
    const rows: { id: number; feishu_open_id: string }[] = await db('users').whereIn('feishu_open_id', [...new Set(openIds)]).select('id', 'feishu_open_id');
    const settings = await this.d.settings.forUsers(rows.map((r) => r.id), db);
    return new Map(rows.map((r) => [r.feishu_open_id, { openId: r.feishu_open_id, userId: r.id, settings: settings.get(r.id) ?? NO_SETTINGS }]));
  }
}
