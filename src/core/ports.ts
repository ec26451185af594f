/**
 * Ports the domain calls without knowing what implements them (BullMQ in production, the
 * same in tests). Domain services take these in their constructors.
 */
import { isAppError } from './errors';

/** Asks for a re-render and publish of configs after a committed change (debounced). */
export interface ConfigPublisher {
  /**
   * Prometheus configs and rule files of one pool. `now`: skip the debounce (a health change
   * seen by the probe: it comes once, and re-sharding has a 15 s budget).
   */
  schedulePool(poolId: number, opts?: { now?: boolean }): Promise<void>;
  /** alertmanager.yml of one Alertmanager cluster. */
  scheduleCluster(clusterId: number): Promise<void>;
}

/**
 * Sends Feishu interactive cards through the app bot (src/feishu/send.ts). `card` is a
 * builder's output from src/cards/ (sent as JSON). `uuid` (at most 50 characters) must be
 * deterministic for the message it stands for: Feishu drops a repeat of a uuid within an
 * hour, so a retried job never posts twice. Resolves to the new message's id (the id of the
 * earlier one for a repeated uuid), or null when Feishu is off (the send is only logged).
 * Rejects with an AppError 'upstream_failed' whose details are a `SendFailure`.
 */
export interface CardSender {
  sendToChat(chatId: string, card: object, uuid: string): Promise<{ messageId: string } | null>;
  sendToUser(openId: string, card: object, uuid: string): Promise<{ messageId: string } | null>;
  /** Replaces a card the app bot sent (within 14 days); false when Feishu is off. */
  patch(messageId: string, card: object): Promise<boolean>;
  /** Answers in the message's thread; `uuid` as for sends. */
  reply(messageId: string, content: ReplyContent, uuid: string): Promise<{ messageId: string } | null>;
}

export type ReplyContent = { card: object } | { text: string };

/** A Feishu custom bot (a group's webhook URL, signed when it has a secret); same failures as CardSender. */
export interface WebhookBotSender {
  send(hook: { url: string; secret: string | null }, card: object): Promise<void>;
}

/** Why a card was not delivered. Not `retryable`: Feishu refused it for good (bot not in the chat, bad card). */
export interface SendFailure {
  feishuCode: number | null;
  httpStatus: number | null;
  retryable: boolean;
  /** How long Feishu asked us to wait (its `x-ogw-ratelimit-reset`), when it said. */
  retryAfterMs: number | null;
}

/** True when a CardSender refused for good: retrying the job would not help, give up on that message. */
export const isPermanentSendFailure = (e: unknown): boolean =>
  isAppError(e) && e.code === 'upstream_failed' && (e.details as Partial<SendFailure> | null)?.retryable === false;

/**
 * A read-through cache of what the service tree, hosts, jobs and instance health derive
 * (http_sd answers). Every change to those calls `invalidate` after its commit.
 */
export interface ScrapeCache {
  invalidate(): Promise<void>;
}
