import type { BuzzKind } from './model';

/**
 * What came of one buzz. `buzzed`: Feishu took it. `skipped`: not asked (acknowledged or
 * resolved meanwhile, Feishu off). The rest are Feishu's refusals, each kept apart because each
 * asks something different of a person reading the record.
 */
export type BuzzOutcome =
  | 'buzzed'
  | 'skipped'
  | 'invalid_user'
  | 'unread_cap'
  | 'quota'
  | 'no_scope'
  | 'no_permission'
  | 'not_buzzable'
  | 'unreachable'
  | 'rate_limited'
  | 'failed';

export interface BuzzVerdict {
  outcome: BuzzOutcome;
  /** Worth asking again later (BullMQ's backoff; the same job). */
  retry: boolean;
  /** Another kind of buzz may work where this one was refused (SMS / phone off → app). */
  fallback: boolean;
}

/**
 * Feishu's buzz errors (urgent_app / urgent_sms / urgent_phone share one table), judged.
 * Only a refusal tied to the kind (tenant quota, a scope not granted, not permitted for the
 * tenant) falls back to the next kind; a refusal tied to the message or the person fails every
 * kind alike, and none of them is retried: asking again cannot change the answer.
 */
const REFUSALS: Record<number, Omit<BuzzVerdict, 'retry'>> = {
  // The person has 200 unread buzzes: they are being buzzed already; any kind is refused.
  230023: { outcome: 'unread_cap', fallback: false },
  // The tenant's buzz quota (SMS and phone are paid) is used up.
  230024: { outcome: 'quota', fallback: true },
  // The app lacks the scope of this kind (im:message.urgent:sms / :phone).
  99991672: { outcome: 'no_scope', fallback: true },
  99991679: { outcome: 'no_scope', fallback: true },
  // "Lack of necessary permissions" (external chats); tenant policy.
  230027: { outcome: 'no_permission', fallback: true },
  // Not allowed to buzz in that chat (only owners / admins may), or judged risky.
  230052: { outcome: 'no_permission', fallback: false },
  // The message cannot be buzzed: not the bot's own, folded, deleted, bad parameters.
  230001: { outcome: 'not_buzzable', fallback: false },
  230012: { outcome: 'not_buzzable', fallback: false },
  230098: { outcome: 'not_buzzable', fallback: false },
  230110: { outcome: 'not_buzzable', fallback: false },
  // The person or the chat is out of the bot's reach.
  230002: { outcome: 'unreachable', fallback: false },
  230006: { outcome: 'unreachable', fallback: false },
  230013: { outcome: 'unreachable', fallback: false },
  232009: { outcome: 'unreachable', fallback: false },
};

/** A Feishu failure (see feishu/send.ts's classify) of a buzz of `kind`, judged. */
export function judgeBuzzFailure(f: { feishuCode: number | null; httpStatus: number | null; retryable: boolean }, kind: BuzzKind): BuzzVerdict {
  const known = f.feishuCode !== null ? REFUSALS[f.feishuCode] : undefined;
  if (known) return { ...known, fallback: known.fallback && kind !== 'app', retry: false };
  if (f.retryable) return { outcome: f.httpStatus === 429 ? 'rate_limited' : 'failed', retry: true, fallback: false };
  return { outcome: 'failed', retry: false, fallback: false };
}

/** The outcome of a retryable failure on the job's last attempt. */
export const givenUp = (v: BuzzVerdict): BuzzVerdict => ({ ...v, retry: false });
