/** Feishu's message limits (open.feishu.cn "frequency control"): shared by queue and domain. */

/** Messages a second one app may send, whoever receives them. */
export const APP_PER_SECOND = 50;

/**
 * Messages a minute one app may send: the sustained rate is a third of 50 a second, so a
 * storm longer than 20 seconds meets this wall, not the per-second one.
 */
export const APP_PER_MINUTE = 1000;

/** Messages a second to one chat or one user (shared by every bot there). */
export const PER_RECIPIENT_PER_SECOND = 5;
