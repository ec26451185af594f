import type { Say } from '../core/errors';
import type { PageChannel } from '../paging/model';
import type { PendingSend } from './outbox-keys';
import type { AlertBatch } from './webhook';

/** A notification's place in the queue: its job, and whether it was a copy of one already there. */
export interface Queued {
  jobId: string;
  duplicate: boolean;
}

/**
 * The work the alert pipeline hands to its queues (BullMQ in production: src/queue/alert-jobs.ts).
 * The domain decides what to do and records it; these only schedule, so every method may be
 * called again for the same thing without doing it twice.
 */
export interface AlertJobs {
  /** Queues a notification; `duplicate` when the same one (same key) is already queued. */
  ingest(batch: AlertBatch, key: string): Promise<Queued>;
  /** Plans the cards of these send groups' waiting events (one run per group at a time), after `delayMs` (default: a moment). */
  deliver(sendGroupIds: number[], delayMs?: number): Promise<void>;
  /** Sends planned messages by their uuid (see outbox.ts), spread out per recipient. */
  send(messages: PendingSend[]): Promise<void>;
  /** Re-renders these Feishu messages (debounced per message; `delayMs` 0: no wait for more changes). */
  patch(messageIds: string[], delayMs?: number): Promise<void>;
  /** Replies under cards and notices in a send group's chat. */
  reply(replies: ReplyJob[]): Promise<void>;
  /** Runs one escalation level after `delayMs`. */
  escalate(step: EscalationStep, delayMs: number): Promise<void>;
  /** Reminds the owners of an event that `step`'s level is near, after `delayMs`. */
  remind(step: EscalationStep, delayMs: number): Promise<void>;
  /** Announces the dead letters not announced yet in the default send group's chat, one card for a burst (dead-letter-notice.ts). */
  announceDeadLetters(): Promise<void>;
}

export interface EscalationUser {
  id: number;
  name: string;
  openId: string | null;
}

/** One level of a send group's escalation, as it was when the event was first notified. */
export interface EscalationLevelSnapshot {
  level: number;
  afterMinutes: number;
  users: EscalationUser[];
  /** How the level reaches its users (timers queued before paging existed have none: chat). */
  channel?: PageChannel;
}

/** A timer's data: which level of which escalation of which event, with the whole chain. */
export interface EscalationStep {
  /** For a group: its lead event (whose outbox rows carry the group's cards). */
  eventId: number;
  /** The alert group escalating (steps queued before groups existed have none). */
  groupId?: number;
  escalationId: string;
  /** The event's send group as stored: it namespaces the escalation's messages. */
  sendGroupId: number;
  /** 1-based index into `levels`. */
  level: number;
  levels: EscalationLevelSnapshot[];
  /** When the level is due (epoch ms, the injected clock). */
  dueAt: number;
  /** Minutes before the level that its current owners are reminded (0 or absent: no reminder). */
  reminderMinutes?: number;
}

/** Messages in a send group's chat that are not an event's card. `uuid` is the Feishu key. */
export type ReplyJob =
  | { kind: 'resolved'; uuid: string; eventId: number }
  | { kind: 'resolved-summary'; uuid: string; eventIds: number[] }
  | { kind: 'escalated'; uuid: string; eventId: number; level: number; users: EscalationUser[] }
  | { kind: 'group-resolved'; uuid: string; groupId: number }
  | { kind: 'group-escalated'; uuid: string; groupId: number; level: number; users: EscalationUser[] }
  /** What a person did to a group (acknowledged, took over, noted…), one line in its thread. */
  /** `text` is English (logs); `say` the same in catalogue words, rendered in the bot's language (absent in jobs queued before it). */
  | { kind: 'group-action'; uuid: string; groupId: number; text: string; say?: Say; to?: string };
