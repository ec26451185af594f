import { APP_PER_MINUTE, APP_PER_SECOND, PER_RECIPIENT_PER_SECOND } from '../../src/core/feishu-limits';
import type { SandboxMessage } from '../../src/sandbox/feishu-server';

/**
 * Messages Feishu would have refused: per receiver more than 5 in any second, per app more
 * than 50 in any second or 1,000 in any minute, as the local Feishu saw them arrive (it counts
 * nothing itself and refuses nothing).
 */
export function overLimit(messages: Pick<SandboxMessage, 'receive_id' | 'created_at'>[]): number {
  const over = (times: number[], max: number, windowMs = 1000) => {
    const t = [...times].sort((a, b) => a - b);
    let n = 0;
    for (let i = max; i < t.length; i++) if (t[i]! - t[i - max]! < windowMs) n++;
    return n;
  };
  const by = new Map<string, number[]>();
  for (const m of messages) by.set(m.receive_id, [...(by.get(m.receive_id) ?? []), m.created_at]);
  const app = messages.map((m) => m.created_at);
  return [...by.values()].reduce((n, times) => n + over(times, PER_RECIPIENT_PER_SECOND), 0) + over(app, APP_PER_SECOND) + over(app, APP_PER_MINUTE, 60_000);
}
