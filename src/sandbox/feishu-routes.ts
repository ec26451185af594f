import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock';
import { signWebhook } from '../core/webhook-sign';
import { appBodyLimit, BODY_LIMIT, cardProblem, contentProblem, parseContentString } from './feishu-content';
import { buzzMessage, type BuzzKind, type BuzzPolicy } from './feishu-buzz';
import { CODE, fail, ok, type FaultQueue, type FaultRoute, type FeishuReply } from './feishu-replies';
import { newMessageId, type SandboxMessage, type SandboxStore } from './feishu-store';

export interface SandboxRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: unknown;
  /** Size of the raw HTTP body: Feishu's limits are on the request body, escaping included. */
  bytes: number;
}

export interface SandboxConfig {
  appId?: string;
  appSecret?: string;
  webhookSecrets: Record<string, string>;
  clock: Clock;
  /** What the tenant allows of buzzes; tests change it in place (FeishuServer.buzzPolicy). */
  buzz: BuzzPolicy;
}

const ROUTES: Array<[method: string, pattern: RegExp, route: FaultRoute]> = [
  ['POST', /^\/open-apis\/auth\/v3\/(?:tenant|app)_access_token\/internal\/?$/, 'token'],
  ['POST', /^\/open-apis\/im\/v1\/messages\/?$/, 'send'],
  ['POST', /^\/open-apis\/im\/v1\/messages\/(?<id>[^/]+)\/reply\/?$/, 'reply'],
  ['PATCH', /^\/open-apis\/im\/v1\/messages\/(?<id>[^/]+)\/urgent_(?<kind>app|sms|phone)\/?$/, 'urgent'],
  ['PATCH', /^\/open-apis\/im\/v1\/messages\/(?<id>[^/]+)\/?$/, 'patch'],
  ['GET', /^\/open-apis\/im\/v1\/messages\/(?<id>[^/]+)\/?$/, 'get'],
  ['POST', /^\/open-apis\/bot\/v2\/hook\/(?<id>[^/]+)\/?$/, 'webhook'],
];

/** Feishu rejects ids that do not look like the declared kind; so does the sandbox. */
const RECEIVE_ID_FORMAT: Record<string, RegExp> = {
  chat_id: /^oc_\S+$/,
  open_id: /^ou_\S+$/,
  union_id: /^on_\S+$/,
  user_id: /^\S+$/,
  email: /^[^@\s]+@[^@\s]+$/,
};

const UUID_MAX = 50;
const EDIT_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
const WEBHOOK_SKEW_S = 60 * 60;

/** Thrown by a handler to answer with a Feishu error instead of going on. */
class Refusal extends Error {
  constructor(readonly reply: FeishuReply) {
    super(String(reply.body.msg));
  }
}
function refuse(code: number, detail?: string, status?: number): never {
  throw new Refusal(fail(code, detail, status));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function requireField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (!nonEmpty(value)) refuse(CODE.fieldValidation, `${name} is required`);
  return value;
}

const P2P_PREFIX = 'oc_p2p_';

/** The made-up chat between the bot and one user, as messages sent to that user land in. */
export const p2pChatId = (kind: string, id: string): string =>
  `${P2P_PREFIX}${createHash('sha256').update(`${kind}:${id}`).digest('hex').slice(0, 24)}`;
export const isP2pChatId = (chatId: string): boolean => chatId.startsWith(P2P_PREFIX);

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Feishu's semantics for each endpoint, over the store; no HTTP in here. */
export class SandboxApi {
  constructor(
    private readonly store: SandboxStore,
    private readonly faults: FaultQueue,
    private readonly config: SandboxConfig,
  ) {}

  dispatch(req: SandboxRequest): FeishuReply {
    const matched = ROUTES.find(([method, pattern]) => method === req.method && pattern.test(req.path));
    if (!matched) return fail(404, `sandbox has no route for ${req.method} ${req.path}`, 404);
    const [, pattern, route] = matched;
    const injected = this.faults.take(route);
    if (injected) return injected;
    const groups = pattern.exec(req.path)?.groups;
    const id = decodeURIComponent(groups?.id ?? '');
    try {
      return this.handle(route, id, req, groups?.kind as BuzzKind | undefined);
    } catch (e) {
      if (e instanceof Refusal) return e.reply;
      throw e;
    }
  }

  private handle(route: FaultRoute, id: string, req: SandboxRequest, kind: BuzzKind = 'app'): FeishuReply {
    const body = isObject(req.body) ? req.body : {};
    if (route === 'token') return this.token(req.path, body);
    if (route === 'webhook') return this.webhook(id, body, req.bytes);
    this.authorize(req.headers.authorization);
    switch (route) {
      case 'send':
        return this.send(req.query.receive_id_type, body, req.bytes);
      case 'reply':
        return this.reply(this.replyTarget(id), body, req.bytes);
      case 'patch':
        return this.patch(this.appMessage(id), body, req.bytes);
      case 'get':
        return ok({ items: [this.view(this.appMessage(id))] });
      case 'urgent':
        return buzzMessage(this.store, this.config.buzz, { messageId: id, kind, userIdType: req.query.user_id_type, body, now: this.now() });
    }
  }

  private now(): number {
    return this.config.clock.now().getTime();
  }

  private token(path: string, body: Record<string, unknown>): FeishuReply {
    if (!nonEmpty(body.app_id) || !nonEmpty(body.app_secret)) refuse(CODE.appIdInvalid, 'app_id and app_secret are required');
    if (this.config.appId !== undefined && body.app_id !== this.config.appId) refuse(CODE.appIdInvalid, 'unknown app_id');
    if (this.config.appSecret !== undefined && body.app_secret !== this.config.appSecret) refuse(CODE.appSecretInvalid);
    const { token, expire } = this.store.issueToken(this.now());
    const appToken = path.includes('/app_access_token/') ? { app_access_token: token } : {};
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire, ...appToken } };
  }

  private authorize(header: string | undefined): void {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (token === undefined) refuse(CODE.tokenMissing);
    else if (!this.store.tokenValid(token, this.now())) refuse(CODE.tokenInvalid);
  }

  /** Only the app bot's messages are visible to the Open API. */
  private appMessage(id: string): SandboxMessage {
    const message = this.store.find(id);
    if (message?.via !== 'app') return refuse(CODE.invalidParam, `message ${id} not found`);
    return message;
  }

  /** The bot may reply to its own messages and to what users wrote in its chats. */
  private replyTarget(id: string): SandboxMessage {
    const message = this.store.find(id);
    if (message?.via === 'user') return message;
    return this.appMessage(id);
  }

  private send(receiveIdType: string | undefined, body: Record<string, unknown>, bytes: number): FeishuReply {
    if (!receiveIdType) return refuse(CODE.fieldValidation, 'receive_id_type is required');
    const format = RECEIVE_ID_FORMAT[receiveIdType];
    if (!format) return refuse(CODE.fieldValidation, `receive_id_type must be one of ${Object.keys(RECEIVE_ID_FORMAT).join(', ')}`);
    const receiveId = requireField(body, 'receive_id');
    if (!format.test(receiveId)) refuse(CODE.invalidParam, `receive_id ${receiveId} is not a valid ${receiveIdType}`);
    return this.create(body, bytes, {
      receive_id: receiveId,
      receive_id_type: receiveIdType,
      chat_id: receiveIdType === 'chat_id' ? receiveId : p2pChatId(receiveIdType, receiveId),
    });
  }

  private reply(parent: SandboxMessage, body: Record<string, unknown>, bytes: number): FeishuReply {
    return this.create(body, bytes, {
      receive_id: parent.receive_id,
      receive_id_type: parent.receive_id_type,
      chat_id: parent.chat_id,
      root_id: parent.root_id ?? parent.message_id,
      parent_id: parent.message_id,
    });
  }

  /** Send and reply alike: uuid dedupe, content checks, store. */
  private create(
    body: Record<string, unknown>,
    bytes: number,
    where: Pick<SandboxMessage, 'receive_id' | 'receive_id_type' | 'chat_id' | 'root_id' | 'parent_id'>,
  ): FeishuReply {
    const msgType = requireField(body, 'msg_type');
    const uuid: unknown = body.uuid;
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > UUID_MAX)) {
      refuse(CODE.fieldValidation, `uuid must be a string of at most ${UUID_MAX} characters`);
    }
    const now = this.now();
    const earlier = typeof uuid === 'string' ? this.store.byUuid(uuid, now) : undefined;
    if (earlier) return ok(this.view(earlier));
    const message: SandboxMessage = {
      message_id: newMessageId(),
      ...where,
      msg_type: msgType,
      content: this.checkedContent(msgType, body.content, bytes),
      ...(typeof uuid === 'string' ? { uuid } : {}),
      created_at: now,
      updated_at: now,
      via: 'app',
    };
    this.store.add(message);
    return ok(this.view(message));
  }

  private checkedContent(msgType: string, raw: unknown, bytes: number): unknown {
    const limit = appBodyLimit(msgType);
    if (bytes > limit) refuse(CODE.tooLarge, `request body is ${bytes} bytes, the limit for ${msgType} is ${limit}`);
    const parsed = parseContentString(raw);
    if ('problem' in parsed) return refuse(CODE.invalidParam, parsed.problem);
    const problem = contentProblem(msgType, parsed.content);
    if (problem) refuse(CODE.invalidParam, problem);
    const badCard = msgType === 'interactive' ? cardProblem(parsed.content) : undefined;
    if (badCard) refuse(CODE.badCard, badCard);
    return parsed.content;
  }

  private patch(message: SandboxMessage, body: Record<string, unknown>, bytes: number): FeishuReply {
    if (message.msg_type !== 'interactive') refuse(CODE.invalidParam, 'only cards (interactive) can be updated');
    const now = this.now();
    if (now - message.created_at > EDIT_WINDOW_MS) refuse(CODE.editWindowPassed);
    message.content = this.checkedContent('interactive', body.content, bytes);
    message.updated_at = now;
    this.store.changed();
    return ok({});
  }

  private webhook(token: string, body: Record<string, unknown>, bytes: number): FeishuReply {
    // The custom bot answers HTTP 200 even when it refuses.
    if (bytes > BODY_LIMIT.webhook) refuse(CODE.badRequest, `request body is ${bytes} bytes, the limit is ${BODY_LIMIT.webhook}`, 200);
    const now = this.now();
    const secret = this.config.webhookSecrets[token];
    if (secret !== undefined && !this.signedInTime(secret, body.timestamp, body.sign, now)) refuse(CODE.webhookSign, undefined, 200);
    const msgType = body.msg_type;
    if (!nonEmpty(msgType)) return refuse(CODE.webhookParams, 'msg_type is required', 200);
    const content = msgType === 'interactive' ? body.card : body.content;
    const problem = msgType === 'interactive' ? cardProblem(content) : contentProblem(msgType, content);
    if (problem) refuse(CODE.webhookParams, problem, 200);
    this.store.add({
      message_id: newMessageId(),
      receive_id: `hook:${token}`,
      receive_id_type: 'webhook',
      msg_type: msgType,
      content,
      created_at: now,
      updated_at: now,
      via: 'webhook',
    });
    return { status: 200, body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' } };
  }

  private signedInTime(secret: string, timestamp: unknown, sign: unknown, now: number): boolean {
    const ts = Number(timestamp);
    const fresh = Number.isInteger(ts) && Math.abs(now / 1000 - ts) <= WEBHOOK_SKEW_S;
    return fresh && typeof sign === 'string' && sameText(sign, signWebhook(secret, ts));
  }

  /** A message the way Feishu's API returns it. */
  private view(m: SandboxMessage): Record<string, unknown> {
    return {
      message_id: m.message_id,
      root_id: m.root_id,
      parent_id: m.parent_id,
      msg_type: m.msg_type,
      create_time: String(m.created_at),
      update_time: String(m.updated_at),
      deleted: false,
      updated: m.updated_at !== m.created_at,
      chat_id: m.chat_id,
      sender:
        m.via === 'user'
          ? { id: m.sender, id_type: 'open_id', sender_type: 'user', tenant_key: 'sandbox' }
          : { id: this.config.appId ?? 'cli_sandbox', id_type: 'app_id', sender_type: 'app', tenant_key: 'sandbox' },
      body: { content: JSON.stringify(m.content) },
    };
  }
}
