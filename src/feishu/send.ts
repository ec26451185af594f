import type * as lark from '@larksuiteoapi/node-sdk';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Buzzer, CardSender, ReplyContent, SendFailure, WebhookBotSender } from '../core/ports';
import { signWebhook } from '../core/webhook-sign';

/** Feishu's limit on a send's idempotency key. */
export const UUID_MAX = 50;

// Worth another try later: rate limits and token trouble (the SDK refetches the token).
// 11232 is the custom bot's "frequency limited".
const RETRYABLE_CODES = new Set([99991400, 230020, 99991661, 99991663, 99991668, 11232]);

const WEBHOOK_TIMEOUT_MS = 10_000;

type Op = 'send' | 'reply' | 'patch' | 'webhook' | 'buzz';

interface ResponseLike {
  status?: number;
  data?: { code?: number; msg?: string; StatusCode?: number; StatusMessage?: string };
  headers?: unknown;
}

function failure(target: string, f: SendFailure, msg: string, cause?: unknown): AppError {
  return new AppError('upstream_failed', `Feishu refused a message for ${target}: ${msg}`, f, { cause });
}

/** `x-ogw-ratelimit-reset` (seconds until the limit resets) from axios or fetch headers. */
function resetAfterMs(headers: unknown): number | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const raw = typeof h.get === 'function' ? h.get('x-ogw-ratelimit-reset') : h['x-ogw-ratelimit-reset'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw != null && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : null;
}

/**
 * The one place Feishu answers are judged. Business errors come back as HTTP 4xx, which the
 * SDK throws as axios errors carrying `response.{status,data,headers}`; a 200 with a non-zero
 * `code` is the same thing resolved. No response at all (connection refused, timeout) is
 * always worth retrying, as are 429 and 5xx; a 429 says when to come back.
 */
export function classify(target: string, e: unknown): AppError {
  const response = (e as { response?: ResponseLike } | null)?.response;
  if (!response) {
    return failure(target, { feishuCode: null, httpStatus: null, retryable: true, retryAfterMs: null }, (e as Error)?.message ?? String(e), e);
  }
  const status = response.status ?? null;
  const rawCode = response.data?.code ?? response.data?.StatusCode;
  const code = typeof rawCode === 'number' ? rawCode : null;
  const retryable = status === null || status === 429 || status >= 500 || (code !== null && RETRYABLE_CODES.has(code));
  const msg = response.data?.msg ?? response.data?.StatusMessage ?? '';
  const f: SendFailure = { feishuCode: code, httpStatus: status, retryable, retryAfterMs: resetAfterMs(response.headers) };
  return failure(target, f, `HTTP ${status} code ${code} ${msg}`.trim(), e);
}

const checkUuid = (uuid: string): void => {
  if (uuid.length > UUID_MAX) throw new RangeError(`uuid ${uuid} is longer than ${UUID_MAX} characters`);
};

/** Runs one Feishu call: counts it, turns any refusal into the classified AppError. */
function caller(metrics: Metrics | undefined) {
  const refused = (op: Op, err: AppError): AppError => {
    const f = err.details as SendFailure;
    const outcome = f.httpStatus === 429 || f.retryAfterMs !== null ? 'rate_limited' : f.retryable ? 'retryable' : 'refused';
    metrics?.feishuRequests.inc({ op, outcome });
    return err;
  };
  return async <R extends { code?: number }>(op: Op, target: string, call: () => Promise<R>): Promise<R> => {
    let res: R;
    try {
      res = await call();
    } catch (e) {
      throw refused(op, e instanceof AppError ? e : classify(target, e));
    }
    if (res.code !== undefined && res.code !== 0) throw refused(op, classify(target, { response: { status: 200, data: res } }));
    metrics?.feishuRequests.inc({ op, outcome: 'ok' });
    return res;
  };
}

/** The CardSender over the app bot's SDK client; `client` null means Feishu is off. */
export function larkCardSender(client: lark.Client | null, logger: Logger, metrics?: Metrics): CardSender {
  const call = caller(metrics);
  const off = (what: object): null => {
    logger.info(what, 'feishu off: card not sent');
    return null;
  };
  const send = async (receiveIdType: 'chat_id' | 'open_id', receiveId: string, card: object, uuid: string) => {
    checkUuid(uuid);
    if (!client) return off({ receiveIdType, receiveId, uuid });
    const res = await call('send', receiveId, () =>
      client.im.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: 'interactive', content: JSON.stringify(card), uuid },
      }),
    );
    const messageId = res.data?.message_id;
    if (!messageId) throw classify(receiveId, { response: { status: 200, data: res } });
    return { messageId };
  };
  return {
    sendToChat: (chatId, card, uuid) => send('chat_id', chatId, card, uuid),
    sendToUser: (openId, card, uuid) => send('open_id', openId, card, uuid),
    patch: async (messageId, card) => {
      if (!client) return off({ messageId, op: 'patch' }) ?? false;
      await call('patch', messageId, () => client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }));
      return true;
    },
    reply: async (messageId, content: ReplyContent, uuid) => {
      checkUuid(uuid);
      if (!client) return off({ messageId, op: 'reply', uuid });
      const [msgType, body] = 'card' in content ? ['interactive', content.card] : ['text', { text: content.text }];
      const res = await call('reply', messageId, () =>
        client.im.message.reply({ path: { message_id: messageId }, data: { msg_type: msgType, content: JSON.stringify(body), uuid } }),
      );
      const id = res.data?.message_id;
      if (!id) throw classify(messageId, { response: { status: 200, data: res } });
      return { messageId: id };
    },
  };
}

/**
 * Buzzes through the app bot's SDK client (`urgentApp` / `urgentSms` / `urgentPhone`: PATCH
 * /open-apis/im/v1/messages/:id/urgent_*), by open_id; `client` null means Feishu is off.
 */
export function larkBuzzer(client: lark.Client | null, logger: Logger, metrics?: Metrics): Buzzer {
  const call = caller(metrics);
  return {
    buzz: async (messageId, openIds, kind) => {
      if (!client) {
        logger.info({ messageId, kind }, 'feishu off: buzz not sent');
        return null;
      }
      const m = client.im.message;
      const fn = kind === 'app' ? m.urgentApp : kind === 'sms' ? m.urgentSms : m.urgentPhone;
      const res = await call('buzz', messageId, () =>
        fn.call(m, { path: { message_id: messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: openIds } }),
      );
      return { invalid: res.data?.invalid_user_id_list ?? [] };
    },
  };
}

/**
 * Posts cards to a Feishu custom bot (a group's webhook), signed when the bot has a secret.
 * Custom bots take no idempotency key and return no message id, and their cards cannot call
 * back: buttons need the app bot.
 */
export function webhookBotSender(metrics?: Metrics, now: () => Date = () => new Date()): WebhookBotSender {
  const call = caller(metrics);
  return {
    send: async (hook, card) => {
      const target = `webhook ${new URL(hook.url).host}`;
      const timestamp = Math.floor(now().getTime() / 1000);
      const signed = hook.secret ? { timestamp: String(timestamp), sign: signWebhook(hook.secret, timestamp) } : {};
      await call('webhook', target, async () => {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...signed, msg_type: 'interactive', card }),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        const data = (await res.json().catch(() => ({}))) as NonNullable<ResponseLike['data']>;
        if (!res.ok) throw classify(target, { response: { status: res.status, data, headers: res.headers } });
        return { code: data.code ?? data.StatusCode ?? 0 };
      });
    },
  };
}
