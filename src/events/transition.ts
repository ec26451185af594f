import type { BatchAlert } from './webhook';

/**
 * What one alert of a notification does to its event (one row per firing episode,
 * fingerprint + startsAt). Pure: the stored state and the alert in, the change out, so every
 * rule about duplicates, repeats and ordering is tested without a database.
 *
 *   - `fired`: a new episode (or one first seen already resolved: `resolved` with `created`).
 *   - `repeated`: seen again firing with something new (a changed annotation such as the
 *     value), or outside the dedup window. The card is updated; it is posted afresh only once
 *     the send group's repeat interval has passed since the last post.
 *   - `resolved`: firing → resolved. The card turns green and the pending escalation ends.
 *   - `refired`: resolved → firing again with the same startsAt (Alertmanager merges an alert
 *     that comes back before it expired): a fresh post and a fresh escalation.
 *   - `duplicate`: nothing new (HA replicas, retries): no change at all.
 *   - `stale`: received no later than what the event already reflects (a job that waited
 *     behind a newer one, or the same job run again): ignored.
 */
export type Change = 'fired' | 'repeated' | 'resolved' | 'refired' | 'duplicate' | 'stale';

/** The columns of an event the pipeline decides on. */
export interface EventState {
  status: 'firing' | 'resolved';
  annotations: Record<string, string>;
  generatorUrl: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  endsAt: Date | null;
  resolvedAt: Date | null;
  repeatCount: number;
  /** When cards were last posted; null: the delivery job has work for this event. */
  lastNotifiedAt: Date | null;
  /** The active escalation; timers carrying another id are stale. */
  escalationId: string | null;
  escalationLevel: number;
}

export type TimelineKind = 'fired' | 'repeated' | 'resolved';

export interface Decision {
  change: Change;
  /** True when the event did not exist. */
  created: boolean;
  /** The new state; undefined when nothing changes. */
  next?: EventState;
  timeline: { kind: TimelineKind; at: Date; detail: Record<string, unknown> }[];
  /** The cards already posted must be re-rendered (nothing new to post). */
  refresh: boolean;
}

export interface DecideContext {
  receivedAt: Date;
  dedupWindowMs: number;
  repeatIntervalMs: number;
  /** The send group escalates: new episodes get an escalation id. */
  escalates: boolean;
  newEscalationId: () => string;
}

const NOTHING = (change: Change): Decision => ({ change, created: false, timeline: [], refresh: false });

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

export function decide(existing: EventState | undefined, a: BatchAlert, ctx: DecideContext): Decision {
  const at = ctx.receivedAt;
  const startsAt = new Date(a.startsAt);
  const fresh = (): Pick<EventState, 'escalationId' | 'escalationLevel'> => ({
    escalationId: ctx.escalates ? ctx.newEscalationId() : null,
    escalationLevel: 0,
  });

  if (!existing) {
    const base: EventState = {
      status: 'firing',
      annotations: a.annotations,
      generatorUrl: a.generatorURL,
      firstSeenAt: at,
      lastSeenAt: at,
      endsAt: null,
      resolvedAt: null,
      repeatCount: 0,
      lastNotifiedAt: null,
      ...fresh(),
    };
    if (a.status === 'firing') {
      return { change: 'fired', created: true, next: base, timeline: [{ kind: 'fired', at, detail: { startsAt } }], refresh: false };
    }
    const endsAt = a.endsAt === null ? at : new Date(a.endsAt);
    return {
      change: 'resolved',
      created: true,
      next: { ...base, status: 'resolved', endsAt, resolvedAt: at, escalationId: null },
      timeline: [
        { kind: 'fired', at: startsAt, detail: { startsAt, seenFirstResolved: true } },
        { kind: 'resolved', at, detail: { endsAt, lastedMs: endsAt.getTime() - a.startsAt } },
      ],
      refresh: false,
    };
  }

  if (at.getTime() <= existing.lastSeenAt.getTime()) return NOTHING('stale');
  const seen = { lastSeenAt: at, annotations: a.annotations, generatorUrl: a.generatorURL };

  if (existing.status === 'firing' && a.status === 'firing') {
    const sameInfo = sameRecord(existing.annotations, a.annotations) && existing.generatorUrl === a.generatorURL;
    if (sameInfo && at.getTime() - existing.lastSeenAt.getTime() < ctx.dedupWindowMs) return NOTHING('duplicate');
    const repeatCount = existing.repeatCount + 1;
    const posted = existing.lastNotifiedAt;
    const repost = posted !== null && at.getTime() - posted.getTime() >= ctx.repeatIntervalMs;
    return {
      change: 'repeated',
      created: false,
      next: { ...existing, ...seen, repeatCount, lastNotifiedAt: repost ? null : posted },
      timeline: [{ kind: 'repeated', at, detail: { count: repeatCount + 1, repost } }],
      refresh: !repost && posted !== null,
    };
  }

  if (existing.status === 'firing') {
    const endsAt = a.endsAt === null ? at : new Date(a.endsAt);
    return {
      change: 'resolved',
      created: false,
      next: { ...existing, ...seen, status: 'resolved', endsAt, resolvedAt: at, lastNotifiedAt: null, escalationId: null },
      timeline: [{ kind: 'resolved', at, detail: { endsAt, lastedMs: endsAt.getTime() - a.startsAt } }],
      refresh: false,
    };
  }

  if (a.status === 'resolved') return NOTHING('duplicate');
  return {
    change: 'refired',
    created: false,
    next: { ...existing, ...seen, status: 'firing', endsAt: null, resolvedAt: null, repeatCount: existing.repeatCount + 1, lastNotifiedAt: null, ...fresh() },
    timeline: [{ kind: 'fired', at, detail: { startsAt, refired: true } }],
    refresh: false,
  };
}
