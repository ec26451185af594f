import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Db } from '../db/knex';
import type { BuzzService } from './buzz-service';
import { buzzesFor, type PagedMessage, type PagedPerson } from './intents';
import { NO_SETTINGS, type PageChannel, type SendGroupPaging } from './model';
import type { NotifySettingsService } from './notify-settings';
import type { BuzzPurpose } from './plan';

/** One buzz per person, purpose and scope (send group and level, or alert group) within this. */
export const COOLDOWN_MS = 10 * 60_000;

export interface PagingDeps {
  db: Knex;
  clock: Clock;
  settings: Pick<NotifySettingsService, 'forUsers'>;
  buzzes: BuzzService;
}

/**
 * What the alert pipeline asks of paging: plan the buzzes of the private messages it plans
 * (alerts by the send group's paging, escalation cards by their level's channel), hear when a
 * message went out, and the card of someone added as a responder. The decisions are planBuzz's.
 */
export class Paging {
  constructor(private readonly d: PagingDeps) {}

  /**
   * In the transaction that plans the private cards of a send group's alerts. `scopeOf` names
   * what a storm shares for a message (its alert group, or the send group for alerts outside
   * any): one buzz per person and scope per COOLDOWN_MS, so a second incident in the same
   * send group still pages while a storm of one incident pages once.
   */
  async planAlertCards(trx: Db, scopeOf: (m: PagedMessage) => string, paging: SendGroupPaging, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    const byScope = new Map<string, PagedMessage[]>();
    for (const m of messages) {
      const scope = scopeOf(m);
      byScope.set(scope, [...(byScope.get(scope) ?? []), m]);
    }
    for (const [scope, list] of byScope) await this.plan(trx, 'alert', scope, paging, list, severityOf);
  }

  /** In the transaction that records an escalation level: its cards, paged by the level's channel; `scope` includes the level. */
  async planEscalationCards(trx: Db, scope: string, channel: PageChannel, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    await this.plan(trx, 'escalation', scope, channel, messages, severityOf);
  }

  /** A message promduty planned went out; the buzzes riding on it are queued. */
  async sent(uuid: string, messageId: string): Promise<void> {
    await this.d.buzzes.sent(uuid, messageId);
  }

  /**
   * In the transaction that plans the private card of someone added as a responder: buzz
   * them in the app on it (their rules may ask for more; quiet hours still hold for
   * non-critical alerts), even when the group is acknowledged. Once per person and `scope`
   * per COOLDOWN_MS.
   */
  async planResponderCard(trx: Db, scope: string, message: PagedMessage, severity: string | null): Promise<void> {
    await this.plan(trx, 'responder', scope, 'buzz_app', [message], () => severity);
  }

  /**
   * A storm must not buzz a person once per alert: 200 alerts escalated at once are 200 cards
   * (or a few digests) but one buzz. The people's user rows are locked for the check, so
   * escalations running side by side see each other's buzzes.
   */
  private async plan(trx: Db, purpose: BuzzPurpose, scope: string, policy: SendGroupPaging | PageChannel, messages: PagedMessage[], severityOf: (eventId: number) => string | null): Promise<void> {
    if (!messages.length || policy === 'chat' || (typeof policy === 'object' && !Object.values(policy).some((c) => c !== 'chat'))) return;
    const people = await this.people(trx, messages.map((m) => m.openId), true);
    const now = this.d.clock.now();
    const recent = new Set<string>(
      await trx('feishu_buzzes')
        .whereIn('open_id', [...new Set(messages.map((m) => m.openId))])
        .where({ purpose, group_key: scope })
        .where('created_at', '>', new Date(now.getTime() - COOLDOWN_MS))
        .pluck('open_id'),
    );
    const planned = buzzesFor({ purpose, messages: messages.filter((m) => !recent.has(m.openId)), severityOf, policy, people, nowMs: now.getTime() });
    const once = [...new Map(planned.map((b) => [b.openId, b])).values()];
    await this.d.buzzes.plan(
      trx,
      once.map((b) => ({ ...b, messageId: null, groupKey: scope })),
    );
  }

  /** The promduty users behind these open_ids, with their notification settings. */
  private async people(db: Db, openIds: string[], lock = false): Promise<Map<string, PagedPerson>> {
    const q = db('users').whereIn('feishu_open_id', [...new Set(openIds)]).orderBy('id').select('id', 'feishu_open_id');
    const rows: { id: number; feishu_open_id: string }[] = await (lock ? q.forUpdate() : q);
    const settings = await this.d.settings.forUsers(rows.map((r) => r.id), db);
    return new Map(rows.map((r) => [r.feishu_open_id, { openId: r.feishu_open_id, userId: r.id, settings: settings.get(r.id) ?? NO_SETTINGS }]));
  }
}
