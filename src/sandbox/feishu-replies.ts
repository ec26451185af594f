/**
 * The answers the Feishu sandbox gives: the `{code, msg, data}` envelope, the error codes
 * promduty has to tell apart, and injected faults. HTTP statuses follow Feishu's own error
 * tables: Open API business errors come back as HTTP 400 (the SDK throws an axios error
 * whose `response.data.code` is the business code), the custom-bot webhook answers 200.
 */
export interface FeishuReply {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export const CODE = {
  badRequest: 9499,
  appIdInvalid: 10003,
  appSecretInvalid: 10014,
  webhookParams: 19002,
  webhookSign: 19021,
  rateLimitedGateway: 99991400,
  tokenMissing: 99991661,
  tokenInvalid: 99991663,
  scopeMissing: 99991672,
  fieldValidation: 99992402,
  invalidParam: 230001,
  botNotInChat: 230002,
  botNotSender: 230012,
  buzzUnreadCap: 230023,
  buzzQuota: 230024,
  cannotBuzz: 230052,
  rateLimited: 230020,
  tooLarge: 230025,
  editWindowPassed: 230031,
  badCard: 230099,
} as const;

const MESSAGES: Record<number, string> = {
  [CODE.badRequest]: 'Bad Request',
  [CODE.appIdInvalid]: 'invalid param',
  [CODE.appSecretInvalid]: 'app secret invalid',
  [CODE.webhookParams]: 'params error',
  [CODE.webhookSign]: 'sign match fail or timestamp is not within one hour from current time',
  [CODE.rateLimitedGateway]: 'request trigger frequency limit',
  [CODE.tokenMissing]: 'Missing access token for authorization. Please make a request with token attached.',
  [CODE.tokenInvalid]: 'Invalid access token for authorization. Please make a request with token attached.',
  [CODE.scopeMissing]: 'Access denied. One of the following scopes is required',
  [CODE.fieldValidation]: 'field validation failed',
  [CODE.invalidParam]: 'Your request contains an invalid request parameter.',
  [CODE.botNotInChat]: 'The bot can not be outside the group.',
  [CODE.botNotSender]: 'Bot is NOT the sender of the message.',
  [CODE.buzzUnreadCap]: 'The user has too many unread urgent messages.',
  [CODE.buzzQuota]: 'Reach the upper limit of urgent message.',
  [CODE.cannotBuzz]: 'Can not urgent this message.',
  [CODE.rateLimited]: 'This operation triggers the frequency limit.',
  [CODE.tooLarge]: 'The length of the message content reaches its limit.',
  [CODE.editWindowPassed]: 'Message can only be modified within 14 days after sending.',
  [CODE.badCard]: 'Failed to create card content.',
};

export function ok(data: unknown = {}): FeishuReply {
  return { status: 200, body: { code: 0, msg: 'success', data } };
}

/** A business error; `detail` says what exactly was wrong, as Feishu's messages do. */
export function fail(code: number, detail?: string, status = 400): FeishuReply {
  const base = MESSAGES[code] ?? 'sandbox fault';
  return { status, body: { code, msg: detail ? `${base} (${detail})` : base, data: {} } };
}

export type FaultRoute = 'token' | 'send' | 'reply' | 'patch' | 'urgent' | 'get' | 'webhook';

/**
 * An injected failure. `status` 429 carries `x-ogw-ratelimit-reset` and code 99991400 unless
 * told otherwise; a `code` alone is answered with the HTTP status Feishu uses for business
 * errors on that route (400, or 200 for the webhook) — pass `status: 200` for the
 * "resolves with code != 0" path.
 */
export interface Fault {
  status?: number;
  code?: number;
  msg?: string;
  rateLimitResetSeconds?: number;
}

function faultReply(route: FaultRoute, fault: Fault): FeishuReply {
  const status =
    fault.status ??
    (fault.code !== undefined ? (route === 'webhook' ? 200 : 400) : fault.rateLimitResetSeconds !== undefined ? 429 : 500);
  const code = fault.code ?? (status === 429 ? CODE.rateLimitedGateway : 1);
  if (status < 400 && code === 0) throw new TypeError('a fault answered with a 2xx/3xx status needs a non-zero code');
  const reply = fail(code, undefined, status);
  if (fault.msg !== undefined) reply.body.msg = fault.msg;
  if (status === 429) reply.headers = { 'x-ogw-ratelimit-reset': String(fault.rateLimitResetSeconds ?? 1) };
  return reply;
}

/** Per-route FIFO of failures to answer instead of the real behaviour. */
export class FaultQueue {
  private readonly queues = new Map<FaultRoute, FeishuReply[]>();

  add(route: FaultRoute, fault: Fault, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    const reply = faultReply(route, fault);
    const queue = this.queues.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(reply);
    this.queues.set(route, queue);
  }

  take(route: FaultRoute): FeishuReply | undefined {
    return this.queues.get(route)?.shift();
  }

  clear(): void {
    this.queues.clear();
  }
}
