import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock';
import { cardProblem } from './feishu-content';
import { CODE, fail, FaultQueue, type Fault, type FaultRoute, type FeishuReply } from './feishu-replies';
import { p2pChatId, SandboxApi } from './feishu-routes';
import { newMessageId, SandboxStore, type SandboxMessage } from './feishu-store';
import { DEFAULT_BUZZ_POLICY, type BuzzPolicy } from './feishu-buzz';

export type { Fault, FaultRoute, SandboxMessage };

export interface FeishuCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; the raw text when it was not JSON; undefined when empty. */
  body: any;
  /** Lower-case names. */
  headers: Record<string, string>;
  at: number;
}

export interface FeishuServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, token requests must carry exactly these credentials. */
  appId?: string;
  appSecret?: string;
  /** Custom-bot token → signing secret; hooks listed here must be signed. */
  webhookSecrets?: Record<string, string>;
  /** Drives message times, token expiry, the uuid window and the webhook timestamp check. */
  clock?: Clock;
  /** What the tenant allows of buzzes (default: every kind, no quota, 200 unread per person). */
  buzz?: Partial<BuzzPolicy>;
}

/** Anything bigger is refused before parsing (Feishu's own limits are far below this). */
const MAX_BODY_BYTES = 1024 * 1024;
// Generous: a wait ends as soon as its message arrives, and a loaded machine may take a while.
const WAIT_DEFAULT_MS = 60_000;

/**
 * A local stand-in for the Feishu Open API and custom-bot webhooks, so the real
 * `@larksuiteoapi/node-sdk` runs against it (`new lark.Client({domain: server.url, ...})`)
 * in tests and in the local sandbox.
 */
export class FeishuServer {
  /** Every request, in arrival order. */
  readonly calls: FeishuCall[] = [];
  private readonly store = new SandboxStore();
  private readonly faults = new FaultQueue();
  private readonly api: SandboxApi;
  private readonly clock: Clock;
  private readonly http: Server;
  private baseUrl = '';
  /** What the tenant allows of buzzes: change it in place (`server.buzzPolicy.scopes.phone = false`). */
  readonly buzzPolicy: BuzzPolicy;

  private constructor(opts: FeishuServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.buzzPolicy = { ...structuredClone(DEFAULT_BUZZ_POLICY), ...opts.buzz };
    this.api = new SandboxApi(this.store, this.faults, {
      buzz: this.buzzPolicy,
      appId: opts.appId,
      appSecret: opts.appSecret,
      webhookSecrets: { ...opts.webhookSecrets },
      clock: this.clock,
    });
    this.http = createServer((req, res) => void this.serve(req, res));
  }

  static async start(opts: FeishuServerOptions = {}): Promise<FeishuServer> {
    const server = new FeishuServer(opts);
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(opts.port ?? 0, host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    const { port } = server.http.address() as AddressInfo;
    server.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return server;
  }

  /** Base URL: give it to `lark.Client({domain})`; webhook URLs are `${url}/open-apis/bot/v2/hook/<token>`. */
  get url(): string {
    return this.baseUrl;
  }

  /** Current state of every message (patches applied), oldest first; copies. */
  messages(): SandboxMessage[] {
    return this.store.all();
  }

  /** Messages sent to this receive_id (or landing in this chat_id); `hook:<token>` for webhooks. */
  messagesFor(receiveId: string): SandboxMessage[] {
    return this.messages().filter((m) => m.receive_id === receiveId || m.chat_id === receiveId);
  }

  /** Resolves once `pred` holds for the messages; rejects after `timeoutMs` saying what is there. */
  waitFor(pred: (messages: SandboxMessage[]) => boolean, timeoutMs = WAIT_DEFAULT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: unknown): void => {
        clearTimeout(timer);
        unsubscribe();
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('waitFor predicate threw a non-Error', { cause: error }));
      };
      const check = (): void => {
        try {
          if (pred(this.messages())) settle();
        } catch (e) {
          settle(e ?? new Error('waitFor predicate threw'));
        }
      };
      const timer = setTimeout(() => settle(new Error(this.timeoutReport(pred, timeoutMs))), timeoutMs);
      const unsubscribe = this.store.onChange(check);
      check();
    });
  }

  /** The chat between the bot and the user with this open_id (where `sendToUser` lands). */
  p2pChatOf(openId: string): string {
    return p2pChatId('open_id', openId);
  }

  /**
   * A text a user writes in a chat, stored as Feishu stores it (the bot may reply to it);
   * the caller delivers the matching `im.message.receive_v1` event. In a p2p chat the
   * conversation is keyed by the user, as the bot's own messages to them are.
   */
  postAsUser(input: { chatId: string; chatType: 'p2p' | 'group'; openId: string; text: string }): SandboxMessage {
    const now = this.clock.now().getTime();
    const p2p = input.chatType === 'p2p';
    const message: SandboxMessage = {
      message_id: newMessageId(),
      chat_id: input.chatId,
      receive_id: p2p ? input.openId : input.chatId,
      receive_id_type: p2p ? 'open_id' : 'chat_id',
      msg_type: 'text',
      content: { text: input.text },
      created_at: now,
      updated_at: now,
      via: 'user',
      sender: input.openId,
    };
    this.store.add(message);
    return structuredClone(message);
  }

  /**
   * Applies a card callback's answer (`card: {type: 'raw', data}`) to the clicked message, as
   * the Feishu client does; returns why Feishu would refuse the card, or undefined.
   */
  replaceCard(messageId: string, card: unknown): string | undefined {
    const message = this.store.find(messageId);
    if (message?.msg_type !== 'interactive') return `message ${messageId} is not a card`;
    const problem = cardProblem(card);
    if (problem) return problem;
    message.content = structuredClone(card);
    message.updated_at = this.clock.now().getTime();
    this.store.changed();
    return undefined;
  }

  /** The person read their buzzed messages: their unread-buzz count starts again from 0. */
  readBuzzes(openId: string): void {
    this.store.readBuzzes(openId);
  }

  /** The next `times` calls to `route` get this failure instead of the real behaviour. */
  failNext(route: FaultRoute, fault: Fault, times = 1): void {
    this.faults.add(route, fault, times);
  }

  /** Called after every change to messages and after every request; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.store.onChange(listener);
  }

  /** Forgets calls, messages, uuids and pending faults; issued tokens stay valid. */
  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
    this.store.clear();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.close((e) => (e ? reject(e) : resolve()));
      // Keep-alive sockets (Node's default agent) would otherwise hold close() open.
      this.http.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: FeishuReply;
    try {
      reply = await this.answer(req);
    } catch (e) {
      reply = fail(1, e instanceof Error ? e.message : String(e), 500);
    }
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    this.store.changed();
  }

  private async answer(req: IncomingMessage): Promise<FeishuReply> {
    const raw = await readBody(req, MAX_BODY_BYTES);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const text = raw?.toString('utf8') ?? '';
    const json = parseJson(text);
    const call: FeishuCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: json.ok ? json.value : text,
      headers: flattenHeaders(req.headers),
      at: this.clock.now().getTime(),
    };
    this.calls.push(call);
    if (raw === undefined) return fail(CODE.badRequest, `body over ${MAX_BODY_BYTES} bytes`, 413);
    if (!json.ok) return fail(CODE.badRequest, 'body is not valid JSON');
    return this.api.dispatch({ ...call, body: json.value, bytes: raw.length });
  }

  private timeoutReport(pred: (m: SandboxMessage[]) => boolean, timeoutMs: number): string {
    const messages = this.messages();
    const lines = messages.slice(-20).map(describe);
    return [
      `FeishuServer.waitFor: not met within ${timeoutMs} ms: ${String(pred).slice(0, 200)}`,
      `${messages.length} message(s)${messages.length > 20 ? ', last 20' : ''}:`,
      ...lines.map((l) => `  ${l}`),
    ].join('\n');
  }
}

/** One line per message for failure reports: id, type, target and a glimpse of the content. */
function describe(m: SandboxMessage): string {
  const title = m.content?.header?.title?.content ?? m.content?.text;
  const glimpse = typeof title === 'string' ? title : JSON.stringify(m.content);
  const urgent = m.buzzes?.length ? ` buzz→${m.buzzes.map((b) => `${b.kind}:${b.openId}`).join(',')}` : '';
  return `${m.message_id} ${m.msg_type} → ${m.receive_id}${urgent}: ${glimpse.slice(0, 80)}`;
}

/** The body, or undefined when it is larger than `limit` (read to the end either way). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
