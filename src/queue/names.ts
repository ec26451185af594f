/**
 * Queue names. One queue per kind of work so each gets its own concurrency and rate limit
 * (Feishu's per-app limit is a queue-wide limiter on `notify`). `delivery` plans the alert
 * cards of a send group; apart from `alerts`, it never waits behind a storm of notifications. `remedy` runs remediation actions' outbound
 * calls, so a slow target never holds up chat commands on `actions`.
 */
export const QUEUES = ['alerts', 'delivery', 'notify', 'escalation', 'config', 'oncall', 'actions', 'remedy'] as const;
export type QueueName = (typeof QUEUES)[number];
