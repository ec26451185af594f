import { randomBytes } from 'node:crypto';

/** One message as the sandbox holds it, with every patch applied. */
export interface SandboxMessage {
  message_id: string;
  /** The chat it landed in; for messages to a user, a stable made-up p2p chat id. */
  chat_id?: string;
  receive_id: string;
  /** `chat_id`, `open_id`, … or `webhook` for custom-bot messages (receive_id `hook:<token>`). */
  receive_id_type: string;
  msg_type: string;
  /** Parsed content: the card object for `interactive`, `{text}` for `text`. */
  content: any;
  root_id?: string;
  parent_id?: string;
  uuid?: string;
  created_at: number;
  updated_at: number;
  /** Users buzzed (any kind), in order, without repeats. */
  urgent?: string[];
  /** Every buzz of the message: kind, who, when. */
  buzzes?: { kind: 'app' | 'sms' | 'phone'; openId: string; at: number }[];
  /** `user`: written by a person (the sandbox page), with their open_id as `sender`. */
  via: 'app' | 'webhook' | 'user';
  sender?: string;
}

export const newMessageId = (): string => `om_${randomBytes(12).toString('hex')}`;

const UUID_TTL_MS = 60 * 60 * 1000;
const TOKEN_TTL_S = 2 * 60 * 60;

/**
 * The sandbox's state: messages, the send-uuid memory and issued tokens. Listeners hear
 * about every change (a web page streams them; `waitFor` re-checks on them).
 */
export class SandboxStore {
  private readonly messages = new Map<string, SandboxMessage>();
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly tokens = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  /** Unread buzzes per person (Feishu refuses more than 200); reading the chat clears them. */
  private readonly unreadBuzzes = new Map<string, number>();

  unreadBuzzesOf(openId: string): number {
    return this.unreadBuzzes.get(openId) ?? 0;
  }

  addUnreadBuzz(openId: string): void {
    this.unreadBuzzes.set(openId, this.unreadBuzzesOf(openId) + 1);
  }

  /** The person read their buzzed messages (the sandbox page, or a test). */
  readBuzzes(openId: string): void {
    this.unreadBuzzes.delete(openId);
    this.changed();
  }

  all(): SandboxMessage[] {
    return [...this.messages.values()].map((m) => structuredClone(m));
  }

  /** The live record (not a copy): callers inside the sandbox change it, then `changed()`. */
  find(messageId: string): SandboxMessage | undefined {
    return this.messages.get(messageId);
  }

  add(message: SandboxMessage): void {
    this.messages.set(message.message_id, message);
    if (message.uuid !== undefined) this.uuids.set(message.uuid, { messageId: message.message_id, at: message.created_at });
    this.changed();
  }

  /** The message an earlier send with this uuid created, while Feishu still dedupes it (1 h). */
  byUuid(uuid: string, now: number): SandboxMessage | undefined {
    const seen = this.uuids.get(uuid);
    if (!seen || now - seen.at >= UUID_TTL_MS) return undefined;
    return this.messages.get(seen.messageId);
  }

  issueToken(now: number): { token: string; expire: number } {
    const token = `t-sandbox-${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, now + TOKEN_TTL_S * 1000);
    return { token, expire: TOKEN_TTL_S };
  }

  tokenValid(token: string, now: number): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && now < expiresAt;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A failing listener (say, a page whose socket closed) must not fail the Feishu call. */
  changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (e) {
        process.emitWarning(e instanceof Error ? e : new Error('FeishuServer change listener failed', { cause: e }));
      }
    }
  }

  /** Forgets messages and uuids but keeps tokens: a running app's cached token stays good. */
  clear(): void {
    this.messages.clear();
    this.uuids.clear();
    this.unreadBuzzes.clear();
    this.changed();
  }
}
