import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { AppError, notFound } from '../core/errors';
import { said, userError } from '../i18n';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, toJson, type Db } from '../db/knex';
import { wallTimeAt } from '../oncall/zone';
import { hasRole, type User } from '../users/users';
import { hhmmOf, minutesOfDay, NO_SETTINGS, notifySettingsSchema, type NotifySettings } from './model';

const fromRow = (r: any): NotifySettings => ({
  timezone: r.timezone,
  quietHours: r.quiet_start === null || r.quiet_end === null ? null : { start: hhmmOf(r.quiet_start), end: hhmmOf(r.quiet_end) },
  criticalOverridesQuiet: Boolean(r.critical_overrides_quiet),
  rules: fromJson(r.rules, {}),
});

/**
 * Per-user notification rules (how each person is paged per severity, quiet hours): read by
 * the paging planner, written through the users API and `/notify`. A person may change their
 * own; changing someone else's takes an admin.
 */
export class NotifySettingsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async get(userId: number): Promise<NotifySettings> {
    await this.userExists(userId);
    return (await this.forUsers([userId])).get(userId) ?? NO_SETTINGS;
  }

  /** Settings of these users; users without a row are absent (NO_SETTINGS). */
  async forUsers(userIds: number[], db: Db = this.db): Promise<Map<number, NotifySettings>> {
    if (!userIds.length) return new Map();
    const rows = await db('user_notify_settings').whereIn('user_id', [...new Set(userIds)]);
    return new Map(rows.map((r: any) => [r.user_id as number, fromRow(r)]));
  }

  /**
   * Replaces a user's settings. `by` is the acting user for a chat or card (null: the API,
   * whose token holder may change anyone's).
   */
  async set(userId: number, input: unknown, actor: Actor, by: User | null = null): Promise<NotifySettings> {
    if (by && by.id !== userId && !hasRole(by, 'admin')) throw userError('forbidden', 'paging.othersNeedAdmin');
    const s = parseInput(notifySettingsSchema, input, 'notification settings');
    if (s.timezone) {
      try {
        wallTimeAt(s.timezone, 0);
      } catch {
        const message = `unknown time zone '${s.timezone}'`;
        throw new AppError('validation_failed', `timezone: ${message}`, [{ path: 'timezone', message }], { say: said('paging.unknownZone', { zone: s.timezone }) });
      }
    }
    const row = {
      user_id: userId,
      timezone: s.timezone,
      quiet_start: s.quietHours ? minutesOfDay(s.quietHours.start) : null,
      quiet_end: s.quietHours ? minutesOfDay(s.quietHours.end) : null,
      critical_overrides_quiet: s.criticalOverridesQuiet,
      rules: toJson(s.rules),
      updated_at: this.clock.now(),
    };
    await this.db.transaction(async (trx) => {
      await this.userExists(userId, trx);
      const before = (await this.forUsers([userId], trx)).get(userId) ?? null;
      await trx('user_notify_settings').insert(row).onConflict('user_id').merge();
      await writeAudit(trx, actor, { action: 'update', entity: 'user_notify_settings', entityId: userId, before, after: s });
    });
    return s;
  }

  private async userExists(userId: number, db: Db = this.db): Promise<void> {
    if (!(await db('users').where({ id: userId }).first('id'))) throw notFound('user', userId);
  }
}
