import { buzzKindOf, minutesOfDay, severityKeyOf, strongerChannel, type BuzzKind, type NotifySettings, type PageChannel } from './model';
import { quietUntil } from './quiet-hours';

/** Why a person is buzzed: an alert's card, an escalation level's card, being added as a responder. */
export type BuzzPurpose = 'alert' | 'escalation' | 'responder';

export interface BuzzPlanInput {
  purpose: BuzzPurpose;
  severity: string | null;
  /**
   * What the sender asks for: the send group's channel for the severity (alert), the level's
   * channel (escalation), `buzz_app` (responder).
   */
  policy: PageChannel;
  /** The person's settings (NO_SETTINGS when they have none). */
  settings: NotifySettings;
  nowMs: number;
}

export interface BuzzPlan {
  kind: BuzzKind;
  /** When to buzz (epoch ms); still unacknowledged then, or no buzz. */
  dueAtMs: number;
  /** What decided it, for the timeline: `rule:sms`, `delay:5m`, `quiet-until:…`, `critical-overrides-quiet`. */
  why: string[];
}

const MINUTE_MS = 60_000;

/**
 * Who is buzzed how and when: the planning of one buzz for one person, pure.
 *
 *  1. The sender decides whether to page: a policy of `chat` is no buzz, whatever the person's
 *     rules say (a send group that never pages for `info` is not overruled by one person).
 *  2. The person's rule for the severity (else their `default` rule) decides how: for an alert
 *     it replaces the policy's channel (so "chat only for warnings" means no buzz); for an
 *     escalation level or an added responder the sender's channel is a floor the rule may only
 *     raise (a level set to `phone` rings even someone whose rule says app).
 *  3. The rule's delay puts the buzz off (the card is sent at once).
 *  4. Quiet hours, in the person's zone (UTC when they set none), put a buzz off until they end,
 *     except for critical alerts when the person lets critical override quiet hours (the
 *     default): a critical alert wakes them, anything else waits for the morning and is dropped
 *     if somebody acknowledged it by then.
 */
export function planBuzz(input: BuzzPlanInput): BuzzPlan | null {
  if (input.policy === 'chat') return null;
  const { settings } = input;
  const key = severityKeyOf(input.severity);
  const rule = settings.rules[key] ?? settings.rules.default;
  const why: string[] = [];
  let channel: PageChannel = input.policy;
  if (rule) {
    channel = input.purpose === 'alert' ? rule.channel : strongerChannel(input.policy, rule.channel);
    if (channel !== input.policy) why.push(`rule:${rule.channel}`);
  }
  const kind = buzzKindOf(channel);
  if (!kind) return null;
  let dueAtMs = input.nowMs;
  if (rule && rule.delayMinutes > 0) {
    dueAtMs += rule.delayMinutes * MINUTE_MS;
    why.push(`delay:${rule.delayMinutes}m`);
  }
  if (settings.quietHours) {
    const q = { start: minutesOfDay(settings.quietHours.start), end: minutesOfDay(settings.quietHours.end), timeZone: settings.timezone ?? 'UTC' };
    const until = quietUntil(q, dueAtMs);
    if (until !== null) {
      if (key === 'critical' && settings.criticalOverridesQuiet) why.push('critical-overrides-quiet');
      else {
        dueAtMs = until;
        why.push(`quiet-until:${new Date(until).toISOString()}`);
      }
    }
  }
  return { kind, dueAtMs, why };
}

/** The buzz to try after one was refused for a reason another kind may not share (SMS and phone off). */
export const fallbackKind = (kind: BuzzKind): BuzzKind | null => (kind === 'app' ? null : 'app');
