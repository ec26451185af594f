/**
 * Queue names. One queue per kind of work so each gets its own concurrency and rate limit
 * (Feishu limits each API per app: sends, replies and card updates share the queue-wide
 * limiter on `notify`; buzzes, another API, have their own on `paging`). `delivery` plans the alert
 * cards of a send group; apart from `alerts`, it never waits behind a storm of notifications. `remedy` runs remediation actions' outbound
 * calls, so a slow target never holds up chat commands on `actions`.
 */
export const QUEUES = ['alerts', 'delivery', 'notify', 'paging', 'escalation', 'config', 'oncall', 'actions', 'remedy'] as const;
export type QueueName = (typeof QUEUES)[number];
