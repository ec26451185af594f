import { createHash } from 'node:crypto';
import { digestMessageId, pendingMessageId, feishuMessageId, isDigestCopy, type Channel, type OutboxRow } from './outbox-keys';

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
  /** Its alert group (null: stored before groups existed; the event is a group of its own). */
  groupId?: number | null;
  /** The group's lead event, whose outbox rows are the group's cards. */
  leadId?: number | null;
  /** The group has no firing alert left (it closed). */
  groupClosed?: boolean;
  /** The group has an escalation to start once its first card is out. */
  groupEscalates?: boolean;
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
  /**
   * The storm digest the group chat is reading (posted recently, see delivery.ts), by chat id:
   * its Feishu message id and how many groups it lists. While the storm goes on, new groups
   * are added to it in place rather than posted as another message.
   */
  live?: Map<string, LiveDigest>;
  /**
   * The send group's digests planned and not sent yet (waiting for a rate limit), by receive
   * id: their uuid and how many groups they list. New groups join them while they wait.
   */
  waiting?: Map<string, { uuid: string; groups: number }>;
}

export interface LiveDigest {
  messageId: string;
  groups: number;
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
  /** Outbox rows to write (message_id = the pending uuid); one per group and recipient, on its lead event. */
  rows: OutboxRow[];
  /**
   * One "resolved after …" reply per closed group (per event for groupless ones) under its card,
   * or one summary when there are too many. `eventIds`: the lead events.
   */
  replies: { uuid: string; eventIds: number[]; summary: boolean; groupId: number | null }[];
  /** Lead events whose posted cards must be re-rendered (an alert joined, repeated or resolved). */
  refresh: number[];
  /** Groups whose first card is posted now: their escalation's first level must be scheduled. */
  escalateGroups: number[];
  /** Live digests (Feishu message ids) that groups were added to: each needs a card update. */
  appended: string[];
  /** Digests still waiting to be sent that groups joined (rendered when sent, so no update). */
  joined: { uuid: string; channel: Channel; receiveId: string; eventIds: number[] }[];
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
/**
 * A group is posted once per recipient and resolves once (a later alert of its key opens a new
 * group); a custom bot, whose card cannot change, gets a second (`closed`) one when it resolves.
 */
export const groupCardUuid = (groupId: number, channel: Channel, receiveId: string, closed = false): string =>
  `gp${groupId}-${CHANNEL_LETTER[channel]}${closed ? 'r' : ''}-${h8(receiveId)}`;
export const groupResolvedUuid = (groupId: number): string => `gp${groupId}-resolved`;
export const resolvedSummaryUuid = (events: PlanEvent[]): string => `rs${events[0]!.id}x${events.length}-${events[0]!.repeatCount + 1}`;
export const isDigestUuid = (uuid: string): boolean => uuid.startsWith('dg');
/** How many events a digest was planned with (its uuid says): more rows on it means some joined later. */
export const plannedCount = (digestUuid: string): number => Number(/^dg\d+x(\d+)-/.exec(digestUuid)?.[1] ?? 0);

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

/** The events of one card: a group's waiting events, or one groupless event. */
interface Unit {
  lead: PlanEvent;
  groupId: number | null;
  events: PlanEvent[];
}

function unitsOf(events: PlanEvent[]): Unit[] {
  const units = new Map<number, Unit>();
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    const leadId = e.groupId ? (e.leadId ?? e.id) : e.id;
    const u = units.get(leadId) ?? { lead: { ...e, id: leadId }, groupId: e.groupId ?? null, events: [] };
    u.events.push(e);
    units.set(leadId, u);
  }
  return [...units.values()];
}

/** A group's card lists differing labels, not rows: about this much of a digest's budget. */
const GROUP_LINE_BYTES = 550;

/** Groups one digest lists at most: within the count limit, and within the byte budget. */
export const groupsPerDigest = (digestSize: number, digestBytes?: number): number =>
  Math.max(1, Math.min(digestSize, digestBytes ? Math.floor(digestBytes / GROUP_LINE_BYTES) : digestSize));

/** The digest `messageId` (stored form) takes `t`'s group units as far as `room` goes; returns those it took. */
function fillDigest(t: { channel: Channel; receiveId: string; units: Unit[] }, room: number, messageId: string, plan: Plan): Unit[] {
  const taken = t.units.filter((u) => u.groupId).slice(0, Math.max(0, room));
  for (const u of taken) plan.rows.push({ eventId: u.lead.id, channel: t.channel, receiveId: t.receiveId, messageId });
  return taken;
}

/**
 * A recipient whose digest is still waiting for its turn (Feishu's limits) gets the new groups
 * on it, as far as it has room, rather than a message more behind it: the digest is rendered
 * when it is sent, so it shows them. Returns the units left to post.
 */
function joinWaiting(t: { channel: Channel; receiveId: string; units: Unit[] }, input: PlanInput, plan: Plan): Unit[] {
  const waiting = input.waiting?.get(t.receiveId);
  if (!waiting) return t.units;
  const room = groupsPerDigest(input.digestSize, input.digestBytes) - waiting.groups;
  const joining = fillDigest(t, room, pendingMessageId(input.sendGroupId, waiting.uuid), plan);
  if (joining.length) plan.joined.push({ uuid: waiting.uuid, channel: t.channel, receiveId: t.receiveId, eventIds: joining.map((u) => u.lead.id) });
  return t.units.filter((u) => !joining.includes(u));
}

/**
 * In a storm, a group chat's new groups go onto the storm digest it is reading, as far as that
 * has room: one card update instead of one more message a round (Feishu counts updates apart
 * from sends, so the sends' 1,000 a minute are left for the private copies). Only group chats:
 * a private digest is what pages its reader, and an update pages nobody. Returns the units
 * left to post.
 */
function appendToLive(t: { channel: Channel; receiveId: string; units: Unit[] }, input: PlanInput, plan: Plan): Unit[] {
  const live = t.channel === 'group' ? input.live?.get(t.receiveId) : undefined;
  if (!live) return t.units;
  const added = fillDigest(t, groupsPerDigest(input.digestSize, input.digestBytes) - live.groups, digestMessageId(live.messageId), plan);
  if (added.length) plan.appended.push(live.messageId);
  return t.units.filter((u) => !added.includes(u));
}

/**
 * Alert groups are the unit: each group gets one card per recipient (its lead event's outbox
 * row), posted when the group first has something to say and re-rendered in place afterwards
 * as alerts join, repeat and resolve. A storm (more groups for one recipient than its
 * budget) folds into digests that list groups; a group on a digest stays there. When a group
 * closes, the group chat gets one reply under its card.
 */
export function planDelivery(input: PlanInput): Plan {
  const { recipients: to } = input;
  const rowsOf = new Map<number, OutboxRow[]>();
  for (const r of input.rows) rowsOf.set(r.eventId, [...(rowsOf.get(r.eventId) ?? []), r]);

  const toPost = new Map<string, { channel: Channel; receiveId: string; units: Unit[] }>(
    targetsOf(to).map(([channel, receiveId]) => [`${channel}:${receiveId}`, { channel, receiveId, units: [] }]),
  );
  const plan: Plan = { messages: [], rows: [], replies: [], refresh: [], escalateGroups: [], appended: [], joined: [] };
  const closed: Unit[] = [];
  const over = (u: Unit): boolean => (u.groupId ? u.events.some((e) => e.groupClosed) : u.lead.status === 'resolved');
  for (const u of unitsOf(input.events)) {
    const rows = rowsOf.get(u.lead.id) ?? [];
    const firing = u.events.some((e) => e.status === 'firing');
    let refresh = false;
    for (const t of toPost.values()) {
      const have = rows.find((r) => r.channel === t.channel && r.receiveId === t.receiveId && r.messageId);
      if (!have) {
        if (firing || (input.sendResolved && !rows.length)) t.units.push(u);
      } else if (t.channel !== 'webhook') {
        refresh ||= feishuMessageId(have.messageId) !== null;
      } else if (over(u) && input.sendResolved) {
        // A custom bot's card cannot be updated: it hears of the end as a new (green) card.
        t.units.push(u);
      }
    }
    if (refresh) plan.refresh.push(u.lead.id);
    const inChat = rows.some((r) => r.channel === 'group' && r.receiveId === to.group && r.messageId);
    if (firing && u.groupId && u.events.some((e) => e.groupEscalates) && !rows.length) plan.escalateGroups.push(u.groupId);
    if (over(u) && input.sendResolved && inChat) {
      const single = rows.find((r) => r.channel === 'group' && r.receiveId === to.group && !isDigestCopy(r.messageId));
      if (single) closed.push(u);
    }
  }

  for (const t of toPost.values()) {
    if (!t.units.length) continue;
    const fold = t.units.length >= 2 && (input.recentRound || t.units.length + (input.backlog.get(t.receiveId) ?? 0) > input.threshold);
    const units = fold || input.recentRound ? appendToLive({ ...t, units: joinWaiting(t, input, plan) }, input, plan) : joinWaiting(t, input, plan);
    if (!units.length) continue;
    const leads = units.map((u) => ({ ...u.lead, lineBytes: u.groupId ? GROUP_LINE_BYTES : u.lead.lineBytes }));
    const chunks = fold ? chunkEvenly(leads, digestChunk(leads, t.channel, input)) : leads.map((e) => [e]);
    for (const chunk of chunks) {
      const lead = chunk[0]!;
      const unit = units.find((u) => u.lead.id === lead.id)!;
      const uuid = fold
        ? digestUuid(chunk, t.channel, t.receiveId)
        : unit.groupId ? groupCardUuid(unit.groupId, t.channel, t.receiveId, over(unit)) : cardUuid(lead, t.channel, t.receiveId);
      plan.messages.push({ uuid, channel: t.channel, receiveId: t.receiveId, eventIds: chunk.map((e) => e.id), digest: fold });
      for (const e of chunk) plan.rows.push({ eventId: e.id, channel: t.channel, receiveId: t.receiveId, messageId: pendingMessageId(input.sendGroupId, uuid) });
    }
  }

  const groupBacklog = to.group ? (input.backlog.get(to.group) ?? 0) : 0;
  if (closed.length >= 2 && closed.length + groupBacklog > input.threshold) {
    for (const chunk of chunkEvenly(closed, Math.min(input.digestSize, RESOLVED_SUMMARY_SIZE))) {
      plan.replies.push({ uuid: resolvedSummaryUuid(chunk.map((u) => u.lead)), eventIds: chunk.map((u) => u.lead.id), summary: true, groupId: null });
    }
  } else {
    for (const u of closed) {
      plan.replies.push({ uuid: u.groupId ? groupResolvedUuid(u.groupId) : resolvedReplyUuid(u.lead), eventIds: [u.lead.id], summary: false, groupId: u.groupId });
    }
  }
  return plan;
}
