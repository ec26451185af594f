import { createHash } from 'node:crypto';
import { pendingMessageId, feishuMessageId, isDigestCopy, type Channel, type OutboxRow } from './outbox-keys';

/**
 * What the delivery of one send group does with the events waiting for it: pure, so the storm
 * folding is deterministic and tested without Feishu or a database.
 *
 * Per recipient (the group chat, each person messaged privately, the custom bot), the events
 * to post are folded into digest cards when posting them one by one would exceed the
 * recipient's budget: more than one event and (events + messages already pending for that
 * recipient) > `threshold` (Feishu allows 5 messages a second per chat), or the group already
 * posted within the last second (a steady stream). Digests hold at most `digestSize` events
 * and, when the events say how long their lines are, `digestBytes` of lines each, split
 * evenly, so every event is listed on some card by its id.
 */
export interface PlanEvent {
  id: number;
  /** About how many bytes its line takes on a digest card (see digestLineBytes). */
  lineBytes?: number;
  status: 'firing' | 'resolved';
  repeatCount: number;
  escalationId: string | null;
  escalationLevel: number;
}

export interface Recipients {
  group: string | null;
  /** open_ids messaged privately (the person on call, first-level users), without repeats. */
  private: string[];
  /** The custom bot's receive id (see webhookReceiveId). */
  webhook: string | null;
}

export interface PlanInput {
  /** The send group the events belong to (it namespaces their pending messages). */
  sendGroupId: number;
  events: PlanEvent[];
  /** Outbox rows the resolved events already have (a firing event's own are not needed). */
  rows: OutboxRow[];
  recipients: Recipients;
  sendResolved: boolean;
  /** Pending messages per receive id (Feishu limits each chat and each person, whatever sends to them). */
  backlog: Map<string, number>;
  threshold: number;
  /** The group posted less than a second ago: alerts keep coming, so any two or more fold. */
  recentRound: boolean;
  /** Events per digest at most. */
  digestSize: number;
  /** Bytes of event lines per digest at most (with `lineBytes`): long names make smaller digests. */
  digestBytes?: number;
}

export interface PlannedMessage {
  uuid: string;
  channel: Channel;
  receiveId: string;
  eventIds: number[];
  digest: boolean;
}

export interface Plan {
  messages: PlannedMessage[];
  /** Outbox rows to write (message_id = the pending uuid). */
  rows: OutboxRow[];
  /** "Resolved after …" replies under single cards, or one summary when there are too many. */
  replies: { uuid: string; eventIds: number[]; summary: boolean }[];
  /** Events whose posted cards must be re-rendered. */
  refresh: number[];
  /** Firing events posted now whose first escalation level must be scheduled. */
  escalate: number[];
}

/** Lines of a "N alerts resolved" reply card (name, target and how long it lasted): ~24 KB. */
const RESOLVED_SUMMARY_SIZE = 180;

/** Custom bots take 20 KB per request: their digests stay smaller (no buttons, ~100 bytes a line). */
export const WEBHOOK_DIGEST_SIZE = 100;

const h8 = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 8);

/** Which post of the episode this is: re-fires and reposts bump repeatCount, so uuids never repeat. */
const nth = (e: PlanEvent): string => `${e.repeatCount + 1}${e.status === 'resolved' ? 'r' : ''}`;
const CHANNEL_LETTER: Record<Channel, string> = { group: 'g', private: 'p', webhook: 'w', escalation: 'x' };

/** Feishu idempotency keys (≤ 50 characters): the same message always gets the same uuid. */
export const cardUuid = (e: PlanEvent, channel: Channel, receiveId: string): string =>
  `ev${e.id}-${CHANNEL_LETTER[channel]}${nth(e)}-${h8(receiveId)}`;
export const digestUuid = (events: PlanEvent[], channel: Channel, receiveId: string): string =>
  `dg${events[0]!.id}x${events.length}-${CHANNEL_LETTER[channel]}${nth(events[0]!)}-${h8(receiveId)}`;
export const resolvedReplyUuid = (e: PlanEvent): string => `ev${e.id}-r${e.repeatCount + 1}`;
export const resolvedSummaryUuid = (events: PlanEvent[]): string => `rs${events[0]!.id}x${events.length}-${events[0]!.repeatCount + 1}`;
export const isDigestUuid = (uuid: string): boolean => uuid.startsWith('dg');

/**
 * About what an event's line costs on a digest card once the card is JSON in JSON (icon, id,
 * separators, state, a little escaping): measured ~67 bytes for `Bench12` on `10.1.2.3:9100`.
 */
export const digestLineBytes = (alertname: string, target: string, severity: string): number =>
  48 + Math.min(alertname.length, 80) + Math.min(target.length, 80) + Math.min(severity.length, 20);

/** `items` in `ceil(n / size)` chunks of near-equal size, order kept. */
export function chunkEvenly<T>(items: T[], size: number): T[][] {
  const count = Math.ceil(items.length / size);
  const out: T[][] = [];
  for (let i = 0, start = 0; i < count; i++) {
    const len = Math.ceil((items.length - start) / (count - i));
    out.push(items.slice(start, start + len));
    start += len;
  }
  return out;
}

/** Every (channel, receive id) of a send group's recipients. */
export const targetsOf = (to: Recipients): [Channel, string][] => [
  ...(to.group ? [['group', to.group] as [Channel, string]] : []),
  ...to.private.map((id): [Channel, string] => ['private', id]),
  ...(to.webhook ? [['webhook', to.webhook] as [Channel, string]] : []),
];

/** Events per digest: within the count limit, and within the byte budget for their lines. */
function digestChunk(events: PlanEvent[], channel: Channel, input: PlanInput): number {
  const size = channel === 'webhook' ? Math.min(input.digestSize, WEBHOOK_DIGEST_SIZE) : input.digestSize;
  if (!input.digestBytes || channel === 'webhook') return size;
  const bytes = events.reduce((sum, e) => sum + (e.lineBytes ?? 0), 0);
  const digests = Math.max(Math.ceil(events.length / size), Math.ceil(bytes / input.digestBytes));
  return Math.ceil(events.length / digests);
}

export function planDelivery(input: PlanInput): Plan {
  const { recipients: to } = input;
  const rowsOf = new Map<number, OutboxRow[]>();
  for (const r of input.rows) rowsOf.set(r.eventId, [...(rowsOf.get(r.eventId) ?? []), r]);
  const posted = (e: PlanEvent) => (rowsOf.get(e.id)?.length ?? 0) > 0;

  const toPost = new Map<string, { channel: Channel; receiveId: string; events: PlanEvent[] }>(
    targetsOf(to).map(([channel, receiveId]) => [`${channel}:${receiveId}`, { channel, receiveId, events: [] }]),
  );
  const post = (e: PlanEvent, only?: Channel) => {
    for (const t of toPost.values()) if (!only || t.channel === only) t.events.push(e);
  };

  const plan: Plan = { messages: [], rows: [], replies: [], refresh: [], escalate: [] };
  const resolvedReplies: PlanEvent[] = [];
  for (const e of [...input.events].sort((a, b) => a.id - b.id)) {
    if (e.status === 'firing') {
      post(e);
      if (e.escalationId && e.escalationLevel === 0) plan.escalate.push(e.id);
    } else if (!posted(e)) {
      if (input.sendResolved) post(e);
    } else {
      const rows = rowsOf.get(e.id)!;
      if (rows.some((r) => r.channel !== 'webhook' && feishuMessageId(r.messageId))) plan.refresh.push(e.id);
      if (!input.sendResolved) continue;
      const single = rows.find((r) => r.channel === 'group' && r.receiveId === to.group && r.messageId && !isDigestCopy(r.messageId));
      if (single) resolvedReplies.push(e);
      post(e, 'webhook');
    }
  }

  for (const t of toPost.values()) {
    if (!t.events.length) continue;
    const fold = t.events.length >= 2 && (input.recentRound || t.events.length + (input.backlog.get(t.receiveId) ?? 0) > input.threshold);
    const groups = fold ? chunkEvenly(t.events, digestChunk(t.events, t.channel, input)) : t.events.map((e) => [e]);
    for (const events of groups) {
      const digest = fold;
      const uuid = digest ? digestUuid(events, t.channel, t.receiveId) : cardUuid(events[0]!, t.channel, t.receiveId);
      plan.messages.push({ uuid, channel: t.channel, receiveId: t.receiveId, eventIds: events.map((e) => e.id), digest });
      for (const e of events) plan.rows.push({ eventId: e.id, channel: t.channel, receiveId: t.receiveId, messageId: pendingMessageId(input.sendGroupId, uuid) });
    }
  }

  const groupBacklog = to.group ? (input.backlog.get(to.group) ?? 0) : 0;
  if (resolvedReplies.length >= 2 && resolvedReplies.length + groupBacklog > input.threshold) {
    for (const chunk of chunkEvenly(resolvedReplies, Math.min(input.digestSize, RESOLVED_SUMMARY_SIZE))) {
      plan.replies.push({ uuid: resolvedSummaryUuid(chunk), eventIds: chunk.map((e) => e.id), summary: true });
    }
  } else {
    for (const e of resolvedReplies) plan.replies.push({ uuid: resolvedReplyUuid(e), eventIds: [e.id], summary: false });
  }
  return plan;
}
