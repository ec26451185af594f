import type { Knex } from 'knex';
import { statsCard } from '../cards/stats-card';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import { isPermanentSendFailure, type CardSender } from '../core/ports';
import { addDays, toEpochDay, type Day } from '../oncall/dates';
import { DAY_MS, firstInstantAtWall } from '../oncall/zone';
import { localDayOf, startOfLocalDay } from './local-days';
import type { StatsService } from './service';
import type { SendGroupZone } from './store';

/** The digest goes out on Monday from this local hour, about the week (Monday to Sunday) before. */
export const DIGEST_HOUR = 9;
/** A claim this old without a send is taken over: the worker that made it died sending. */
const STALE_CLAIM_MS = 15 * 60_000;

export interface DigestSent {
  sendGroupId: number;
  week: Day;
  messageId: string | null;
}

/** Monday of the week holding `day`. */
export function mondayOf(day: Day): Day {
  const epochDay = toEpochDay(day);
  // 1970-01-01 was a Thursday: (epochDay + 3) % 7 counts days since Monday.
  return addDays(day, -((((epochDay + 3) % 7) + 7) % 7));
}

/** Feishu's idempotency key for a group's digest of a week (≤ 50 characters). */
export const digestUuid = (sendGroupId: number, week: Day): string => `stats-digest-${sendGroupId}-${week}`;

/**
 * The weekly digest: every enabled send group with a chat gets the stats card of the past
 * week (Monday to Sunday in its on-call group's zone) once Monday DIGEST_HOUR:00 has passed
 * there. A repeatable job sweeps every few minutes (from every worker); a digest is claimed
 * in `stats_digests` (one row per group and week) before it is sent, so exactly one worker
 * sends it, once, and a restart or a second worker finds it done. A claim whose worker died
 * before sending is taken over after STALE_CLAIM_MS; the deterministic uuid makes Feishu drop
 * a repeat of a send that did go out.
 */
export class StatsDigest {
  constructor(
    private readonly d: {
      db: Knex;
      clock: Clock;
      sender: CardSender;
      stats: Pick<StatsService, 'groups' | 'reportFor' | 'zoneOf'>;
      logger: Pick<Logger, 'warn' | 'info'>;
      locale: Locale;
    },
  ) {}

  async run(): Promise<DigestSent[]> {
    const now = this.d.clock.now();
    const groups = await this.d.stats.groups();
    const sent: DigestSent[] = [];
    const failures: unknown[] = [];
    for (const g of groups) {
      if (!g.enabled || !g.feishuChatId) continue;
      const zone = this.d.stats.zoneOf(g);
      const week = mondayOf(localDayOf(zone, now.getTime()));
      if (now.getTime() < firstInstantAtWall(zone, toEpochDay(week) * DAY_MS + DIGEST_HOUR * 3_600_000)) continue;
      try {
        if (await this.claim(g.id, week, now)) sent.push(await this.send(groups, g, week, zone, now));
      } catch (e) {
        this.d.logger.warn({ err: e, sendGroupId: g.id, week }, 'weekly digest not posted; the next sweep tries again');
        failures.push(e);
      }
    }
    // The job fails (and shows so) after every group had its turn.
    if (failures.length) throw failures[0];
    return sent;
  }

  /** True when this worker may send the digest: it made the claim, or took over a stale one. */
  private async claim(sendGroupId: number, week: Day, now: Date): Promise<boolean> {
    const [inserted] = await this.d.db.raw('INSERT IGNORE INTO stats_digests (send_group_id, week, claimed_at) VALUES (?, ?, ?)', [sendGroupId, week, now]);
    if (Number(inserted.affectedRows) === 1) return true;
    const taken = await this.d.db('stats_digests')
      .where({ send_group_id: sendGroupId, week })
      .whereNull('sent_at')
      .where('claimed_at', '<', new Date(now.getTime() - STALE_CLAIM_MS))
      .update({ claimed_at: now });
    return taken === 1;
  }

  private async send(groups: SendGroupZone[], g: SendGroupZone, week: Day, zone: string, now: Date): Promise<DigestSent> {
    const start = startOfLocalDay(zone, addDays(week, -7));
    const window = { from: new Date(start), to: new Date(startOfLocalDay(zone, week) - 1), days: 7, timeZone: zone };
    const report = await this.d.stats.reportFor(groups, g, window);
    const card = statsCard({ sendGroupName: g.name, figures: report.figures, flapEpisodes: report.flapEpisodes, digest: true, locale: this.d.locale });
    const row = this.d.db('stats_digests').where({ send_group_id: g.id, week });
    let messageId: string | null = null;
    try {
      messageId = (await this.d.sender.sendToChat(g.feishuChatId!, card, digestUuid(g.id, week)))?.messageId ?? null;
    } catch (e) {
      if (!isPermanentSendFailure(e)) {
        // Released, so the next sweep tries again.
        await row.clone().whereNull('sent_at').where({ claimed_at: now }).delete();
        throw e;
      }
      this.d.logger.warn({ err: e, sendGroupId: g.id, week }, 'weekly digest refused by Feishu; not retried');
    }
    await row.clone().update({ sent_at: this.d.clock.now(), message_id: messageId });
    this.d.logger.info({ sendGroupId: g.id, week, messageId }, 'weekly stats digest posted');
    return { sendGroupId: g.id, week, messageId };
  }
}
