/** Feishu's message limits (open.feishu.cn "frequency control"): shared by queue and domain. */

/** Messages a second one app may send, whoever receives them. */
export const APP_PER_SECOND = 50;

/**
 * Messages a minute one app may send: the sustained rate is a third of 50 a second, so a
 * storm longer than 20 seconds meets this wall, not the per-second one.
 */
export const APP_PER_MINUTE = 1000;

/**
 * Of the minute's 1,000, how many may go at 50 a second before the rest are spread evenly
 * (13.3 a second): a storm's first cards go at once, and a long storm never spends the
 * minute in its first 20 seconds and then sends nothing for 40 (measured, bench part alerts:
 * webhook → card p99 38.9 s at a steady 100 alerts/s with the minute as a plain sliding log).
 */
export const APP_BURST = 200;

/** Messages a second to one chat or one user (shared by every bot there). */
export const PER_RECIPIENT_PER_SECOND = 5;

/**
 * Updating a card (PATCH /open-apis/im/v1/messages/:id) is another API with limits of its own
 * (Feishu counts each API separately, per app and tenant): 50 a second and 1,000 a minute for
 * the app, and 5 updates a second to one message.
 */
export const UPDATES_PER_MESSAGE_PER_SECOND = 5;
