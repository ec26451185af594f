import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CardSender, SendFailure } from '../core/ports';
import type { RecipientRateLimit } from './rate-limit';

/** Longest a message waits in place for its slot; longer, it fails as Feishu's own 429 would. */
const MAX_WAIT_MS = 5000;

/**
 * A CardSender that takes its slot in Feishu's limits (rate-limit.ts) before each message. For
 * the messages sent outside the alert outbox (which gates its own and puts a job back rather
 * than wait): command replies, claim and silence notices, reminders, handoffs, shift and swap
 * notices, action results, the weekly stats. Unpaced, they compete unseen with a storm's cards
 * for a chat's 5 a second and the app's 1,000 a minute, and the one that loses gets a 429.
 * A wait longer than MAX_WAIT_MS fails retryable with that wait, as a 429 does, so the job
 * around the send retries as it would for Feishu's own refusal. Card updates (patch) are
 * another API with limits of their own and pass straight through.
 */
export function pacedCardSender(inner: CardSender, limit: RecipientRateLimit, logger: Logger): CardSender {
  const paced = async <T>(recipient: string, send: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const slots = limit.slots();
      let wait: number;
      try {
        wait = await slots.gate(recipient);
      } catch (err) {
        // Redis away: send unpaced rather than not at all (Feishu answers a 429 at worst).
        logger.warn({ err, recipient }, 'Feishu pacing unavailable; sending without it');
        return send();
      }
      if (wait === 0) {
        try {
          return await send();
        } finally {
          await slots.close();
        }
      }
      if (Date.now() + wait > deadline) {
        const failure: SendFailure = { feishuCode: null, httpStatus: 429, retryable: true, retryAfterMs: wait };
        throw new AppError('upstream_failed', `Feishu's message limits: the next message to ${recipient} may go in ${wait} ms`, failure);
      }
      await sleep(wait);
    }
  };
  return {
    sendToChat: (chatId, card, uuid) => paced(chatId, () => inner.sendToChat(chatId, card, uuid)),
    sendToUser: (openId, card, uuid) => paced(openId, () => inner.sendToUser(openId, card, uuid)),
    // Only the message answered is known here, not its chat: counted for the app, and per thread.
    reply: (messageId, content, uuid) => paced(`thread:${messageId}`, () => inner.reply(messageId, content, uuid)),
    patch: (messageId, card) => inner.patch(messageId, card),
  };
}
