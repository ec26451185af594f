import type { Locale } from '../i18n';
import { deadLetterCard } from '../cards/dead-letter-card';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { CardSender, SendFailure } from '../core/ports';
import type { DeadLetterStore, KeptLetter } from './dead-letters';
import type { Destinations } from './destinations';
import type { RateGate, SendOutcome } from './sender';

export interface DeadLetterNoticeDeps {
  logger: Logger;
  metrics: Metrics;
  sender: CardSender;
  destinations: Destinations;
  deadLetters: DeadLetterStore;
  timezone: string;
  locale: Locale;
}

/** Dead letters listed on one card; the rest of a burst is counted. */
const SHOWN = 10;

const alertnames = (l: KeptLetter): string[] => [...new Set((l.batch.alerts ?? []).flatMap((a) => a.labels?.alertname ?? []))];

/**
 * Tells the default send group's chat about dead letters, once: every one not announced yet
 * goes on one card (a burst of a storm is one card, not a flood), and is marked announced.
 * The card's Feishu uuid comes from the ids it covers, so a retry after a crash between
 * sending and marking does not post it twice.
 */
export class DeadLetterNotice {
  constructor(private readonly d: DeadLetterNoticeDeps) {}

  async send(lastAttempt: boolean, gate: RateGate): Promise<SendOutcome> {
    const { letters, count, lastId } = await this.d.deadLetters.unannounced(SHOWN);
    if (!letters.length) return { status: 'gone' };
    const chatId = (await this.d.destinations.forLabel(undefined)).dest?.feishuChatId ?? null;
    if (!chatId) {
      this.d.logger.warn({ deadLetters: count }, 'dead letters not announced: no default send group with a chat (see GET /api/v1/alerts/dead-letters)');
      await this.d.deadLetters.announced(lastId);
      return { status: 'gone' };
    }
    const wait = await gate(chatId);
    if (wait > 0) return { status: 'wait', afterMs: wait };
    const rows = letters.map((l) => ({ id: l.id, receivedAt: l.receivedAt, receiver: l.receiver, alerts: l.alerts, alertnames: alertnames(l), error: l.error }));
    const card = deadLetterCard({ letters: rows, total: count, timezone: this.d.timezone, locale: this.d.locale });
    try {
      await this.d.sender.sendToChat(chatId, card, `dead-letters-${letters[0]!.id}-${lastId}`);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'upstream_failed') throw e;
      const f = e.details as SendFailure;
      if (f.retryable && !lastAttempt) return { status: 'retry', afterMs: f.retryAfterMs, error: e };
      this.d.metrics.alertNotifications.inc({ channel: 'group', kind: 'dead-letter', outcome: 'failed' });
      this.d.logger.warn({ chatId, deadLetters: count, feishuCode: f.feishuCode, reason: e.message }, 'dead-letter announcement not delivered');
      await this.d.deadLetters.announced(lastId);
      return { status: 'refused' };
    }
    this.d.metrics.alertNotifications.inc({ channel: 'group', kind: 'dead-letter', outcome: 'sent' });
    await this.d.deadLetters.announced(lastId);
    return { status: 'sent' };
  }
}
