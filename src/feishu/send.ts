import type * as lark from '@larksuiteoapi/node-sdk';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CardSender, SendFailure } from '../core/ports';

/** Feishu's limit on a send's idempotency key. */
export const UUID_MAX = 50;

// Worth another try later: rate limits and token trouble (the SDK refetches the token).
const RETRYABLE_CODES = new Set([99991400, 230020, 99991661, 99991663, 99991668]);

function failure(receiveId: string, f: SendFailure, msg: string, cause?: unknown): AppError {
  return new AppError('upstream_failed', `Feishu refused a card for ${receiveId}: ${msg}`, f, { cause });
}

/**
 * Feishu business errors come back as HTTP 4xx, which the SDK throws as axios errors carrying
 * `response.{status,data}`; a 200 with a non-zero `code` is the same thing resolved. No
 * response at all (connection refused, timeout) is always worth retrying, as are 429 and 5xx.
 */
function classify(receiveId: string, e: unknown): AppError {
  const response = (e as { response?: { status?: number; data?: { code?: number; msg?: string } } } | null)?.response;
  if (!response) return failure(receiveId, { feishuCode: null, httpStatus: null, retryable: true }, (e as Error)?.message ?? String(e), e);
  const status = response.status ?? null;
  const code = typeof response.data?.code === 'number' ? response.data.code : null;
  const retryable = status === null || status === 429 || status >= 500 || (code !== null && RETRYABLE_CODES.has(code));
  return failure(receiveId, { feishuCode: code, httpStatus: status, retryable }, `HTTP ${status} code ${code} ${response.data?.msg ?? ''}`.trim(), e);
}

/** The CardSender over the app bot's SDK client; `client` null means Feishu is off. */
export function larkCardSender(client: lark.Client | null, logger: Logger): CardSender {
  const send = async (receiveIdType: 'chat_id' | 'open_id', receiveId: string, card: object, uuid: string) => {
    if (uuid.length > UUID_MAX) throw new RangeError(`uuid ${uuid} is longer than ${UUID_MAX} characters`);
    if (!client) {
      logger.info({ receiveIdType, receiveId, uuid }, 'feishu off: card not sent');
      return null;
    }
    let res: Awaited<ReturnType<lark.Client['im']['message']['create']>>;
    try {
      res = await client.im.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: 'interactive', content: JSON.stringify(card), uuid },
      });
    } catch (e) {
      throw classify(receiveId, e);
    }
    const messageId = res.data?.message_id;
    if (res.code !== 0 || !messageId) throw classify(receiveId, { response: { status: 200, data: res } });
    return { messageId };
  };
  return {
    sendToChat: (chatId, card, uuid) => send('chat_id', chatId, card, uuid),
    sendToUser: (openId, card, uuid) => send('open_id', openId, card, uuid),
  };
}
