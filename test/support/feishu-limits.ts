import { APP_PER_MINUTE, APP_PER_SECOND, PER_RECIPIENT_PER_SECOND, UPDATES_PER_MESSAGE_PER_SECOND } from '../../src/core/feishu-limits';
import type { FeishuCall, SandboxMessage } from '../../src/sandbox/feishu-server';

/** How many of these times are more than `max` in any `windowMs`. */
const over = (times: number[], max: number, windowMs = 1000): number => {
  const t = [...times].sort((a, b) => a - b);
  let n = 0;
  for (let i = max; i < t.length; i++) if (t[i]! - t[i - max]! < windowMs) n++;
  return n;
};

/** Per key, then for the app: more than `perKey` a second, 50 a second, 1,000 a minute. */
function overLimits(calls: { key: string; at: number }[], perKey: number): number {
  const by = new Map<string, number[]>();
  for (const c of calls) by.set(c.key, [...(by.get(c.key) ?? []), c.at]);
  const app = calls.map((c) => c.at);
  return [...by.values()].reduce((n, times) => n + over(times, perKey), 0) + over(app, APP_PER_SECOND) + over(app, APP_PER_MINUTE, 60_000);
}

/**
 * Messages Feishu would have refused: per receiver more than 5 in any second, per app more
 * than 50 in any second or 1,000 in any minute, as the local Feishu saw them arrive (it counts
 * nothing itself and refuses nothing).
 */
export function overLimit(messages: Pick<SandboxMessage, 'receive_id' | 'created_at'>[]): number {
  return overLimits(messages.map((m) => ({ key: m.receive_id, at: m.created_at })), PER_RECIPIENT_PER_SECOND);
}

/** PATCH /open-apis/im/v1/messages/:id, a card update (not a buzz). */
const CARD_UPDATE = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/;

/**
 * Card updates Feishu would have refused: the update API's own limits, counted apart from
 * sends: more than 5 a second to one message, 50 a second or 1,000 a minute for the app.
 */
export function updatesOverLimit(calls: Pick<FeishuCall, 'method' | 'path' | 'at'>[]): number {
  const updates = calls.filter((c) => c.method === 'PATCH' && CARD_UPDATE.test(c.path));
  return overLimits(updates.map((c) => ({ key: CARD_UPDATE.exec(c.path)![1]!, at: c.at })), UPDATES_PER_MESSAGE_PER_SECOND);
}
