import { NO_SETTINGS, notifySettingsSchema, type NotifySettings } from '../../src/paging/model';
import * as i18n from '../../src/i18n';
import { ManualClock } from '../../src/core/clock';
import { conflict, forbidden, notFound } from '../../src/core/errors';
import type { SwapRequest } from '../../src/oncall/swap-requests';
import type { ActionView } from '../../src/remedy/actions';
import type { ActionResult } from '../../src/events/actions';
import type { AlertRule } from '../../src/rules/alert-rules';
import type { ChatDeps, InboundMessage } from '../../src/chat/types';
import type { User } from '../../src/users/users';
import { textCard } from '../../src/cards/text-card';
import { computeStats, statsWindow } from '../../src/stats/figures';
import type { StatsQuery } from '../../src/stats/service';

/**
 * Fake services for driving chat commands and card actions directly (bolt-js style): each
 * records what it was asked, so a test checks both the reply and the effect.
 */
export const USERS: User[] = [
  { id: 1, name: 'ada', email: 'ada@example.com', feishuOpenId: 'ou_ada', feishuUserId: null, role: 'admin' },
  { id: 2, name: 'eve', email: null, feishuOpenId: 'ou_eve', feishuUserId: null, role: 'editor' },
  { id: 3, name: 'vic', email: null, feishuOpenId: 'ou_vic', feishuUserId: null, role: 'viewer' },
];

export const RULE: AlertRule = {
  id: 12, poolId: 1, sendGroupId: 4, treeNodeId: null, treePath: null, name: 'HighCPU', expr: 'cpu > 0.9', for: '5m',
  severity: 'warning', labels: { team: 'infra' }, annotations: { summary: 'CPU high' }, grafanaUrl: null, enabled: true,
};

export const ACTION: ActionView = {
  id: 3, name: 'restart-nginx', description: 'systemctl restart nginx through AWX', enabled: true, method: 'POST',
  url: 'https://awx.example.com/api/v2/job_templates/12/launch/', headers: { Authorization: '[redacted]' }, body: '{"limit": {{ json .Labels.instance }}}',
  secret: null, timeoutMs: 10000, maxRunsPerHour: 10, retries: 2, triggers: [{ ruleId: 12, mode: 'button' }, { sendGroupId: 4, mode: 'auto', afterMinutes: 5 }],
  createdAt: new Date('2026-05-01T00:00:00Z'), updatedAt: new Date('2026-05-01T00:00:00Z'),
};
const GROUP = { id: 7, name: 'infra', members: [1, 2], shiftDays: 1, startDate: '2026-01-01', handoffTime: '10:00', timezone: 'UTC', noticeLeadMinutes: 720, feishuChatId: null };

/** Swap requests: `create` records its input; decisions record `[decision, id, userId]`. */
function swapRequestFakes(calls: Calls, clock: ManualClock): ChatDeps['oncallSwapRequests'] {
  const request = (id: number, input: any, state: SwapRequest['state'] = 'pending'): SwapRequest => ({
    id, groupId: 7, firstDay: input.firstDay ?? '2026-05-12', lastDay: input.lastDay ?? input.firstDay ?? '2026-05-12', fromUserId: 2,
    toUserId: input.toUserId ?? null, requestedBy: 2, state, expiresAt: new Date('2026-05-12T10:00:00Z'), createdAt: clock.now(),
    decidedBy: state === 'pending' ? null : 1, decidedAt: null,
  });
  const decide = (state: SwapRequest['state'], name: string) => async (id: number, by: { userId: number | null }) => {
    calls.decisions.push([name, id, by.userId]);
    if (id === 404) throw notFound('swap request', id);
    if (id === 403) throw forbidden('This request is addressed to someone else; only they can accept or decline it.');
    return request(id, { toUserId: 1 }, state);
  };
  return {
    create: async (groupId, input) => {
      calls.swaps.push({ groupId, input });
      return request(1, input);
    },
    accept: decide('accepted', 'accept'),
    decline: decide('declined', 'decline'),
    cancel: decide('cancelled', 'cancel'),
    force: decide('forced', 'force'),
    get: async (id) => request(id, { toUserId: 1 }),
    list: async () => [],
    view: async (r) => ({
      id: r.id, groupName: 'infra', firstDay: r.firstDay, lastDay: r.lastDay, startsAt: new Date('2026-05-12T10:00:00Z'),
      endsAt: new Date('2026-05-13T10:00:00Z'), timezone: 'UTC', from: { name: 'eve', openId: 'ou_eve' },
      to: r.toUserId ? { name: 'ada', openId: 'ou_ada' } : null, requester: { name: 'eve', openId: 'ou_eve' }, state: r.state,
      decider: r.decidedBy ? { name: 'ada', openId: 'ou_ada' } : null, expiresAt: r.expiresAt,
    }),
  };
}

export interface Calls {
  decisions: Array<[string, number, number | null]>;
  claims: number[];
  silences: Array<{ id: number; ms: number; scope: string }>;
  byName: Array<{ name: string; ms: number }>;
  unsilences: number[];
  swaps: Array<{ groupId: number; input: unknown }>;
  enabled: Array<{ ids: number[]; enabled: boolean }>;
  updates: Array<{ id: number; body: any }>;
  errors: unknown[];
  stats: StatsQuery[];
  accepted: Array<{ poolId: number; hash: string; index: number; by: string }>;
  /** Group actions as [action, group id, argument]. */
  groups: Array<[string, number, unknown]>;
  unclaims: number[];
  runs: Array<{ actionId: number; eventId: number; by: string; trigger: string }>;
}

/** Group actions record what they were asked; group 99 is already acknowledged. */
function groupFakes(calls: Calls): ChatDeps['groups'] {
  const done = (what: string, id: number, arg: unknown = null) => {
    if (id === 99 && what === 'acknowledge') throw conflict('group #99 is already acknowledged by ada');
    calls.groups.push([what, id, arg]);
    const message = `${what} group #${id}`;
    // Not a catalogue key: sayText shows it as written.
    return Promise.resolve({ groupId: id, message, say: { key: message, params: {} } });
  };
  return {
    acknowledge: (id) => done('acknowledge', id),
    unacknowledge: (id) => done('unacknowledge', id),
    takeOver: (id) => done('takeOver', id),
    resolve: (id) => done('resolve', id),
    escalateNow: (id) => done('escalateNow', id),
    note: (id, text) => done('note', id, text),
    addResponder: (id, openId) => done('addResponder', id, openId),
    silence: (id, ms, reason) => done('silence', id, { ms, reason }),
  };
}

export function fakeDeps(over: Partial<ChatDeps> = {}): { d: ChatDeps; calls: Calls; clock: ManualClock } {
  const calls: Calls = { decisions: [], claims: [], silences: [], byName: [], unsilences: [], swaps: [], enabled: [], updates: [], errors: [], stats: [], accepted: [], groups: [], unclaims: [], runs: [] };
  const clock = new ManualClock('2026-05-10T03:00:00Z');
  const notifyStore = new Map<number, NotifySettings>();
  // What the real EventActions say, for an event whose alertname is HighCPU.
  const result = (id: number, what: 'claimed' | 'unclaimed' | 'silenced' | 'unsilenced'): ActionResult => {
    const say =
      what === 'claimed'
        ? i18n.said('action.claimed', { id, alertname: 'HighCPU' })
        : what === 'unclaimed'
          ? i18n.said('action.unclaimed', { id, alertname: 'HighCPU' })
          : what === 'silenced'
            ? i18n.said('action.silencedEvent', { id, alertname: 'HighCPU', span: '1h' })
            : i18n.said('action.unsilenced', { id, alertname: 'HighCPU' });
    return { eventId: id, message: i18n.sayText('en', say), say };
  };
  const d: ChatDeps = {
    clock,
    logger: { error: (o: unknown) => void calls.errors.push(o), warn: () => undefined },
    timezone: 'UTC',
    locale: 'en',
    publicUrl: 'https://promduty.example.com',
    users: {
      findByOpenId: async (openId) => USERS.find((u) => u.feishuOpenId === openId) ?? null,
      list: async () => USERS,
    },
    oncall: {
      current: async (groupId) => ({ groupId, at: clock.now(), oncall: { userId: 1, name: 'ada', openId: 'ou_ada' }, next: null }),
      shifts: async () => ({ group: GROUP, today: '2026-05-10', shifts: [] }),
      roster: async (groupId, from) => ({
        groupId,
        timezone: 'UTC',
        today: '2026-05-10',
        days: [{ day: from, userId: 1, plannedUserId: 1, reason: 'rotation', userName: 'ada' }],
      }),
    },
    oncallGroups: {
      list: async () => [GROUP],
      findByName: async (name) => (name === GROUP.name ? GROUP : null),
      get: async (id) => {
        if (id !== GROUP.id) throw notFound('on-call group', id);
        return GROUP;
      },
    },
    oncallSwapRequests: swapRequestFakes(calls, clock),
    calendars: {
      url: async (kind, id) => `https://promduty.example.com/calendar/${kind}s/${id}/tok.ics`,
      rotate: async (kind, id) => `https://promduty.example.com/calendar/${kind}s/${id}/new.ics`,
    },
    alertRules: {
      search: async (filter) => (filter === 'none' ? [] : [RULE]),
      get: async (id) => {
        if (id !== RULE.id) throw notFound('alert rule', id);
        return RULE;
      },
      update: async (id, body) => {
        calls.updates.push({ id, body });
        return { ...RULE, ...(body as object) };
      },
      setEnabled: async (ids, enabled) => {
        calls.enabled.push({ ids, enabled });
        return ids.map((id) => ({ ...RULE, id, enabled }));
      },
    },
    sendGroups: { get: async (id) => ({ id, name: 'infra-alerts' }) as any },
    pools: {
      list: async () => [],
      get: async (id) => ({ id, name: 'main', instances: [] }) as any,
      findByName: async () => null,
    },
    poolConfigs: {
      instanceFiles: async () => ({ instanceId: 1, address: 'p1:9090', configFile: 'prometheus.yml', rulesOnly: false, files: [] }),
      rulePlacement: async () => ({
        pool: 'main',
        role: 'evaluate',
        engine: 'vmalert',
        replicas: 2,
        evaluators: ['vmalert-1:8880', 'vmalert-2:8880'],
        data: { complete: true, source: 'complete: vmalert queries the central store http://vm:8428', say: { key: 'ruleData.vmalert', params: { url: 'http://vm:8428' } } },
      }),
    },
    events: {
      claim: async (id) => {
        if (id === 99) throw conflict('#99 is already claimed by ada');
        calls.claims.push(id);
        return result(id, 'claimed');
      },
      silence: async (id, ms, _actor, scope = 'event') => {
        calls.silences.push({ id, ms, scope });
        return result(id, 'silenced');
      },
      silenceAlertname: async (name, ms) => {
        calls.byName.push({ name, ms });
        const say = i18n.said('action.silencedName', { alertname: name, span: '1h' });
        return { eventId: 5, message: i18n.sayText('en', say), say };
      },
      unsilence: async (id) => {
        calls.unsilences.push(id);
        return result(id, 'unsilenced');
      },
      unclaim: async (id) => {
        calls.unclaims.push(id);
        return result(id, 'unclaimed');
      },
    },
    groups: groupFakes(calls),
    eventCards: {
      active: async () => ({ events: [], total: 0 }),
      forMessage: async (messageId) => (messageId === 'om_event' ? textCard({ title: 'event card', markdown: 'x' }) : null),
      groupCardOf: async (id) => (id === 404 ? null : textCard({ title: `group card ${id}`, markdown: 'x' })),
    },
    stats: {
      groups: async () => [{ id: 4, name: 'infra-alerts', enabled: true, feishuChatId: 'oc_room', timeZone: null }],
      report: async (q) => {
        calls.stats.push(q);
        const figures = computeStats(statsWindow(clock.now(), q.days, 'UTC'), [], [], { zoneOf: () => 'UTC' });
        return { sendGroup: q.sendGroupId === null ? null : { id: q.sendGroupId, name: 'infra-alerts' }, flapEpisodes: 3, figures };
      },
    },
    notify: {
      get: async (userId) => notifyStore.get(userId) ?? NO_SETTINGS,
      set: async (userId, input, _actor, by) => {
        if (by && by.id !== userId && by.role !== 'admin') throw forbidden("changing another person's notification rules takes the admin role");
        const s = notifySettingsSchema.parse(input);
        notifyStore.set(userId, s);
        return s;
      },
    },
    queryLog: {
      suggest: async (poolId) => ({
        pool: { id: poolId, name: 'main' },
        since: '2026-05-04',
        repeated: 2,
        items: [
          {
            record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))', rewritten: 'job:http_requests:rate5m',
            query: 'sum by (job) (rate(http_requests_total[5m]))', hash: '0123456789abcdef', index: 0, runs: 40, avgSeconds: 0.8, maxSeconds: 1.2,
            samples: 12_000_000, score: 1.9, existing: calls.accepted.length ? { id: 31, sameExpr: true } : null,
          },
        ],
        passed: [{ query: 'topk(5, rate(x[5m]))', runs: 9, avgSeconds: 0.2, reason: 'no aggregation to pre-aggregate', say: { key: 'suggest.reason.nothing', params: {} } }],
      }),
      accept: async (poolId, hash, index, actor) => {
        calls.accepted.push({ poolId, hash, index, by: actor.name });
        const rule = { id: 31, poolId, record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))', labels: {}, enabled: true };
        return { rule, created: true, suggestion: { record: rule.record, expr: rule.expr, rewritten: 'job:http_requests:rate5m' } };
      },
    },
    actions: {
      list: async () => [ACTION],
      findByName: async (name) => (name === ACTION.name ? ACTION : null),
    },
    remedy: {
      request: async (actionId, eventId, actor, trigger) => {
        if (eventId === 404) throw notFound('alert', eventId);
        calls.runs.push({ actionId, eventId, by: actor.name, trigger });
        return { runId: 1, action: ACTION.name };
      },
    },
    ...over,
  };
  return { d, calls, clock };
}

/** A text message from `openId` in a group, with the bot mention in front as Feishu sends it. */
export function said(openId: string, text: string, mentions: InboundMessage['mentions'] = []): InboundMessage {
  return {
    messageId: 'om_msg',
    chatId: 'oc_room',
    chatType: 'group',
    senderOpenId: openId,
    text: `@_user_1 ${text}`,
    mentions: [{ key: '@_user_1', openId: 'ou_bot', name: 'promduty' }, ...mentions],
  };
}
