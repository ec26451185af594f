import * as lark from '@larksuiteoapi/node-sdk';
import type { Redis } from 'ioredis';
import { handleCardAction, type CardAnswer } from '../chat/card-actions';
import type { ChatDeps, InboundMessage } from '../chat/types';
import type { Logger } from '../core/logger';
import { firstDelivery, taken } from './dedupe';
import { cardCallback, eventIdOf, inboundMessage } from './inbound';

export interface DispatcherDeps {
  redis: Pick<Redis, 'set' | 'exists'>;
  logger: Logger;
  chat: ChatDeps;
  /** Hands a message to the `actions` queue; the reply is sent by the job. */
  enqueueMessage(msg: InboundMessage, eventId: string): Promise<void>;
}

/** A card callback's HTTP answer: the toast, and the card replacing the clicked one. */
export const cardResponse = (a: CardAnswer): object => (a.card ? { toast: a.toast, card: { type: 'raw', data: a.card } } : { toast: a.toast });

/**
 * The one EventDispatcher both transports feed (HTTP callbacks after our own verification,
 * and the long connection). Each event id is taken once, so Feishu's retries and replayed
 * requests do nothing: a card action claims it before acting, a message once its job is
 * queued. Messages are only enqueued (the answer must come within 3 s); card actions run here
 * because their answer carries the updated card.
 */
export function createFeishuDispatcher(secrets: { encryptKey?: string; verificationToken?: string }, d: DispatcherDeps): lark.EventDispatcher {
  const dispatcher = new lark.EventDispatcher({
    encryptKey: secrets.encryptKey,
    verificationToken: secrets.verificationToken,
    loggerLevel: lark.LoggerLevel.warn,
    logger: {
      error: (...msg: unknown[]) => d.logger.error({ sdk: msg }, 'feishu dispatcher error'),
      warn: (...msg: unknown[]) => d.logger.warn({ sdk: msg }, 'feishu dispatcher warning'),
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
    },
  });
  const fresh = async (data: Record<string, unknown>): Promise<string | null> => {
    const id = eventIdOf(data);
    if (!id) return null;
    if (await firstDelivery(d.redis, id)) return id;
    d.logger.info({ eventId: id }, 'feishu event already taken: replay or retry ignored');
    return null;
  };
  return dispatcher.register({
    'im.message.receive_v1': async (data: Record<string, unknown>) => {
      const id = eventIdOf(data);
      const msg = inboundMessage(data);
      if (!id || !msg) return;
      if (await taken(d.redis, id)) {
        d.logger.info({ eventId: id }, 'feishu event already taken: replay or retry ignored');
        return;
      }
      // Queued first, marked after: the job id is the event id, so queueing twice (two API
      // processes, a retry) is one job, and a failure in between (Redis gone) leaves no mark:
      // the request is answered 503 and Feishu's retry is taken, not refused as a copy.
      await d.enqueueMessage(msg, id);
      await firstDelivery(d.redis, id);
    },
    'card.action.trigger': async (data: Record<string, unknown>) => {
      const cb = cardCallback(data);
      if (!cb || !(await fresh(data))) return {};
      return cardResponse(await handleCardAction(cb, d.chat));
    },
  });
}
