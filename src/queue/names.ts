/**
 * Queue names. One queue per kind of work so each gets its own concurrency and rate limit
 * (Feishu's per-app limit is a queue-wide limiter on `notify`).
 */
export const QUEUES = ['alerts', 'notify', 'escalation', 'config', 'oncall', 'actions'] as const;
export type QueueName = (typeof QUEUES)[number];
