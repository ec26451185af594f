import { groupChannelFor, NO_SETTINGS, severityKeyOf, type NotifySettings, type PageChannel, type SendGroupPaging } from './model';
import { planBuzz, type BuzzPurpose } from './plan';

/** A person who may be paged: their open_id, promduty user (null: not a user) and settings. */
export interface PagedPerson {
  openId: string;
  userId: number | null;
  settings: NotifySettings;
}

/** One message to one person that a buzz may ride on. */
export interface PagedMessage {
  /** The send's uuid: the buzz waits for its message id. */
  uuid: string;
  openId: string;
  eventIds: number[];
}

/** A buzz to plan (BuzzService.plan's input, without the message id). */
export interface PlannedBuzz {
  key: string;
  sendUuid: string;
  openId: string;
  userId: number | null;
  eventId: number;
  purpose: BuzzPurpose;
  kind: 'app' | 'sms' | 'phone';
  dueAt: Date;
  why: string[];
}

const RANK = { critical: 3, warning: 2, info: 1, default: 0 } as const;

/** The most severe of the events' severities (a digest is paged as its worst alert). */
export function worstSeverity(severities: (string | null)[]): string | null {
  let best: string | null = null;
  for (const s of severities) if (best === null || RANK[severityKeyOf(s)] > RANK[severityKeyOf(best)]) best = s;
  return best;
}

/**
 * The buzzes for messages just planned, pure: each private message (card or digest) to a
 * person is paged by the send group's channel for its worst severity (alerts), or by the
 * channel given (an escalation level's), through the person's own rules (planBuzz).
 */
export function buzzesFor(input: {
  purpose: BuzzPurpose;
  messages: PagedMessage[];
  severityOf: (eventId: number) => string | null;
  /** The send group's paging (alerts), or one channel for every message (an escalation level). */
  policy: SendGroupPaging | PageChannel;
  people: Map<string, PagedPerson>;
  nowMs: number;
}): PlannedBuzz[] {
  const out: PlannedBuzz[] = [];
  for (const m of input.messages) {
    const severity = worstSeverity(m.eventIds.map(input.severityOf));
    const policy = typeof input.policy === 'string' ? input.policy : groupChannelFor(input.policy, severity);
    const person = input.people.get(m.openId) ?? { openId: m.openId, userId: null, settings: NO_SETTINGS };
    const plan = planBuzz({ purpose: input.purpose, severity, policy, settings: person.settings, nowMs: input.nowMs });
    if (!plan) continue;
    out.push({
      key: `${input.purpose}:${m.uuid}`,
      sendUuid: m.uuid,
      openId: m.openId,
      userId: person.userId,
      eventId: m.eventIds[0]!,
      purpose: input.purpose,
      kind: plan.kind,
      dueAt: new Date(plan.dueAtMs),
      why: plan.why,
    });
  }
  return out;
}
