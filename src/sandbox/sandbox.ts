import type { Settings } from '../config/settings';
import { systemClock, type Clock } from '../core/clock';
import { invalid, invalidField } from '../core/errors';
import type { Logger } from '../core/logger';
import { cardActionEvent, messageEvent, signRequest, type AppKeys, type CardActionInput } from './callbacks';
import { FeishuServer, type SandboxMessage } from './feishu-server';
import { isP2pChatId } from './feishu-routes';
import { buildChats, type SandboxChat, type SandboxDirectory, type SandboxUser } from './chats';

export type { SandboxChat, SandboxDirectory, SandboxUser };

/** Feishu gives an app 3 s to answer a callback before the client shows an error. */
const CALLBACK_TIMEOUT_MS = 3000;
/** The page shows the latest messages; older ones stay in the store. */
const MAX_MESSAGES = 500;
/** A burst of changes (send, patch, urgent) reaches the pages as one notice. */
const WATCH_DEBOUNCE_MS = 100;

export interface SandboxState {
  bot: { name: string };
  users: SandboxUser[];
  chats: SandboxChat[];
  messages: SandboxMessage[];
}

export interface Toast {
  type: 'success' | 'info' | 'warning' | 'error';
  content: string;
}

export interface CallbackOutcome {
  /** HTTP status promduty answered with; null when it did not answer in time. */
  status: number | null;
  toast: Toast | null;
  cardUpdated: boolean;
}

interface Answer {
  status: number | null;
  body: any;
}

/**
 * promduty's built-in Feishu: a FeishuServer on loopback that the real SDK client talks to,
 * plus what the /sandbox page needs: the chats and their messages, and acting as a user by
 * sending promduty the signed requests Feishu would send (`/feishu/events`, `/feishu/cards`).
 */
export class FeishuSandbox {
  private readonly pages = new Set<() => void>();

  private constructor(
    readonly server: FeishuServer,
    private readonly keys: AppKeys,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  static async start(feishu: Settings['feishu'], logger: Logger, clock: Clock = systemClock): Promise<FeishuSandbox> {
    const server = await FeishuServer.start({ port: feishu.sandbox?.port ?? 0, appId: feishu.appId, appSecret: feishu.appSecret, clock });
    const keys = { appId: feishu.appId ?? '', encryptKey: feishu.encryptKey, verificationToken: feishu.verificationToken };
    return new FeishuSandbox(server, keys, clock, logger);
  }

  /** The Open API base URL: the SDK client's `domain`. */
  get url(): string {
    return this.server.url;
  }

  /**
   * Calls `changed` when messages change (a burst once), `ended` when the sandbox stops
   * serving pages; returns an unsubscribe.
   */
  watch(changed: () => void, ended: () => void): () => void {
    let last = this.version();
    let timer: NodeJS.Timeout | null = null;
    const check = (): void => {
      timer = null;
      const now = this.version();
      if (now === last) return;
      last = now;
      changed();
    };
    const off = this.server.onChange(() => {
      timer ??= setTimeout(check, WATCH_DEBOUNCE_MS);
    });
    const stop = (): void => {
      off();
      if (timer) clearTimeout(timer);
      this.pages.delete(end);
    };
    const end = (): void => {
      stop();
      ended();
    };
    this.pages.add(end);
    return stop;
  }

  /** Ends every page's stream: an open stream would hold the HTTP server's close forever. */
  disconnectPages(): void {
    for (const end of [...this.pages]) end();
  }

  /** Changes whenever a message is added, updated or buzzed: cheap to compare. */
  version(): string {
    return this.server
      .messages()
      .map((m) => `${m.message_id}:${m.updated_at}:${m.buzzes?.length ?? m.urgent?.length ?? 0}`)
      .join(',');
  }

  async state(directory: SandboxDirectory): Promise<SandboxState> {
    const [users, named] = await Promise.all([directory.users(), directory.chats()]);
    const messages = this.server.messages().slice(-MAX_MESSAGES);
    return { bot: { name: 'promduty' }, users, chats: buildChats(named, users, messages, (id) => this.server.p2pChatOf(id)), messages };
  }

  /**
   * `operator` writes `text` in a chat: stored as their message, then delivered to promduty
   * as `im.message.receive_v1` (a p2p chat is the operator's own chat with the bot).
   */
  async say(base: string, operator: SandboxUser, chatId: string, text: string): Promise<CallbackOutcome> {
    const p2p = isP2pChatId(chatId);
    if (p2p && chatId !== this.server.p2pChatOf(operator.openId)) {
      throw invalidField('chatId', `this private chat is not ${operator.name}'s: act as its owner to write in it`);
    }
    const chatType = p2p ? 'p2p' : 'group';
    const message = this.server.postAsUser({ chatId, chatType, openId: operator.openId, text });
    const now = this.clock.now();
    const event = messageEvent(this.keys, { operator, chatId, chatType, messageId: message.message_id, text, now });
    const answer = await this.deliver(`${base}/feishu/events`, event, now);
    return { status: answer.status, toast: failureToast(answer), cardUpdated: false };
  }

  /** A click, choice or form submit on a card: `card.action.trigger`, then the answer applied. */
  async act(base: string, operator: SandboxUser, messageId: string, action: CardActionInput): Promise<CallbackOutcome> {
    const message = this.server.messages().find((m) => m.message_id === messageId);
    if (!message || message.msg_type !== 'interactive') throw invalidField('messageId', `no card ${messageId} in the sandbox`);
    if (message.via !== 'app') throw invalid('cards from a custom webhook bot cannot call back: only the app bot\'s cards can');
    const now = this.clock.now();
    const chatId = message.chat_id ?? message.receive_id;
    const event = cardActionEvent(this.keys, { operator, messageId, chatId, action, now });
    const answer = await this.deliver(`${base}/feishu/cards`, event, now);
    const failed = failureToast(answer);
    if (failed) return { status: answer.status, toast: failed, cardUpdated: false };
    const card = answer.body?.card;
    let cardUpdated = false;
    if (card?.type === 'raw' && card.data) {
      const problem = this.server.replaceCard(messageId, card.data);
      if (problem) return { status: answer.status, toast: { type: 'error', content: `Feishu would refuse the returned card: ${problem}` }, cardUpdated };
      cardUpdated = true;
    }
    return { status: answer.status, toast: readToast(answer.body?.toast), cardUpdated };
  }

  async close(): Promise<void> {
    this.disconnectPages();
    await this.server.close();
  }

  private async deliver(url: string, payload: object, now: Date): Promise<Answer> {
    const { body, headers } = signRequest(this.keys, payload, now);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Feishu ignores a body that is not JSON; so does the sandbox.
      }
      return { status: res.status, body: parsed };
    } catch (e) {
      this.logger.warn({ err: e, url }, 'sandbox: promduty did not answer a callback');
      return { status: null, body: null };
    }
  }
}

/** What the Feishu client shows when the app's answer is not a 200 in time. */
function failureToast(a: Answer): Toast | null {
  if (a.status === null) return { type: 'error', content: `promduty did not answer within ${CALLBACK_TIMEOUT_MS / 1000} s` };
  if (a.status !== 200) return { type: 'error', content: `promduty answered HTTP ${a.status}` };
  return null;
}

/** Feishu accepts a toast as `{type, content}` or with per-language `i18n`; the page shows one text. */
function readToast(t: any): Toast | null {
  if (!t || typeof t !== 'object') return null;
  const type = ['success', 'info', 'warning', 'error'].includes(t.type) ? (t.type as Toast['type']) : 'info';
  const localized: unknown = t.i18n && typeof t.i18n === 'object' ? Object.values(t.i18n)[0] : undefined;
  const content = typeof t.content === 'string' ? t.content : typeof localized === 'string' ? localized : '';
  return content ? { type, content } : null;
}
