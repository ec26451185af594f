import { groupFormSchema, parseCardAction, ruleFormSchema, swapFormSchema, type CallbackAction, type CardAction, type GroupCardAction } from '../cards/actions';
import { parseInput } from '../core/validate';
import type { GroupActor } from '../events/group-actions';
import { plainVerbOf, runPlainGroupVerb } from './group-verbs';
import { parseSilenceLength } from '../events/silence-duration';
import type { Card } from '../cards/card';
import { isAppError, type Say } from '../core/errors';
import { describeError, issueLines, sayText, t, userError, type Locale } from '../i18n';
import { parseDuration } from '../core/names';
import { issuePath } from '../core/validate';
import type { User } from '../users/users';
import { alertsListReply } from './commands/alerts';
import { ruleCardFor } from './commands/rule';
import { requesterOf, requestSwap, swapFormCard } from './commands/swap';
import { rosterMonthCard } from './commands/roster';
import { swapRequestCard } from '../cards/swap-request-card';
import { acceptSuggestion } from './commands/rules-suggest';
import { notRegisteredText, requireRole } from './replies';
import { actorOf, type ChatDeps } from './types';

/** A `card.action.trigger` callback, as the transport hands it over. */
export interface CardCallback {
  operatorOpenId: string;
  action: CallbackAction;
  /** The message whose card was clicked. */
  messageId: string | null;
}

export type ToastType = 'success' | 'info' | 'warning' | 'error';

/** The HTTP answer's content: a toast, and the card that replaces the clicked one. */
export interface CardAnswer {
  toast: { type: ToastType; content: string };
  card?: Card;
}

const toast = (type: ToastType, content: string, card?: Card): CardAnswer => (card ? { toast: { type, content }, card } : { toast: { type, content } });
const messageOf = (locale: Locale, e: unknown): string => describeError(locale, e).message;

/**
 * A refused form's problems as `field: problem` lines in `locale`: the form schemas
 * (src/cards/actions.ts) give each check a catalogue message; any other check's English is framed.
 */
const formIssueLines = (locale: Locale, issues: readonly { path: readonly PropertyKey[]; message: string; params?: { say?: Say } }[]): string[] =>
  issues.map((i) => `${issuePath(i.path)}: ${i.params?.say ? sayText(locale, i.params.say) : t(locale, 'form.err.other', { message: i.message })}`);

/** Form values arrive as strings (or string lists); the refused draft is shown back as typed. */
const asStrings = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.join(',') : String(x ?? '')])) : {};

/**
 * One card button or form submit → the toast and the updated card. Runs inside Feishu's
 * 3 s answer window, so it does only the action itself; other copies of the card and the
 * group message follow in a job. Unknown users and stale or forged values change nothing.
 */
export async function handleCardAction(cb: CardCallback, d: ChatDeps): Promise<CardAnswer> {
  const L = d.locale;
  const user = await d.users.findByOpenId(cb.operatorOpenId);
  if (!user) return toast('error', notRegisteredText(L));
  let action: CardAction;
  try {
    action = parseCardAction(cb.action);
  } catch {
    return toast('error', t(L, 'toast.unknownButton'));
  }
  try {
    switch (action.a) {
      // Reading the roster is a viewer's right; a swap request is authorized by the service
      // (only the person asked accepts or declines, only the requester or an admin cancels).
      case 'roster':
        return toast('info', action.m, await rosterMonthCard(d, await d.oncallGroups.get(action.g), action.m));
      case 'sr_accept':
      case 'sr_decline':
      case 'sr_cancel':
        return await decideRequest(d, user, action);
    }
    requireRole(user, 'editor', t(L, 'chat.thisAction'));
    switch (action.a) {
      case 'rule_save':
        return await saveRule(d, user, action.r, cb.action.form_value);
      case 'swap':
        return await swapFromCard(d, user, action.g, action.o === 1, cb.action.form_value);
      case 'rule_suggest': {
        const r = await acceptSuggestion(d, user, action);
        return toast('success', t(L, r.created ? 'toast.recordRuleCreated' : 'toast.recordedAlready', { record: r.record }), r.card);
      }
      case 'g_ack':
      case 'g_unack':
      case 'g_take':
      case 'g_resolve':
      case 'g_escalate':
      case 'g_silence':
      case 'g_note':
      case 'g_responder':
        return await groupAction(d, user, action, cb);
      case 'remedy':
        return await runAction(d, user, action);
      default:
        return await eventAction(d, user, action, cb.messageId);
    }
  } catch (e) {
    if (!isAppError(e)) d.logger.error({ err: e, action }, 'card action failed');
    return toast('error', messageOf(L, e));
  }
}

type EventCardAction = Exclude<Extract<CardAction, { e: number }>, { a: 'remedy' }>;

/**
 * A group card's button or form: the group changes, and the clicked card (group card,
 * escalation card or storm digest) comes back as it now is. Refusals (already acknowledged,
 * not firing) toast why.
 */
async function groupAction(d: ChatDeps, user: User, action: GroupCardAction, cb: CardCallback): Promise<CardAnswer> {
  const actor = actorOf(user);
  let answer: CardAnswer['toast'];
  try {
    const r = await runGroupAction(d, { ...actor, answers: cb.messageId }, action.a, action.i, cb.action);
    answer = { type: 'success', content: sayText(d.locale, r.say) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    answer = { type: 'error', content: messageOf(d.locale, e) };
  }
  const card = (cb.messageId ? await d.eventCards.forMessage(cb.messageId) : null) ?? (await d.eventCards.groupCardOf(action.i)) ?? undefined;
  return card ? { toast: answer, card } : { toast: answer };
}

/** One group action with what its form (or a digest's select) gave. */
function runGroupAction(d: ChatDeps, actor: GroupActor, a: GroupCardAction['a'], id: number, raw: CallbackAction) {
  const form = parseInput(groupFormSchema, raw.form_value ?? {}, 'form');
  switch (a) {
    case 'g_note':
      return d.groups.note(id, form.note ?? '', actor);
    case 'g_responder':
      if (!form.user) throw userError('validation_failed', 'group.err.pickPerson');
      return d.groups.addResponder(id, form.user, actor);
    case 'g_silence': {
      // A digest's select sends its choice as `option`; the card's form as `picked` or typed `duration`.
      const typed = form.duration || form.picked || (typeof raw.option === 'string' ? raw.option : '');
      const ms = parseSilenceLength(typed, d.clock.now(), d.timezone);
      if (!ms) throw userError('validation_failed', 'group.err.pickDuration');
      return d.groups.silence(id, ms, form.reason ?? '', actor);
    }
    default:
      return runPlainGroupVerb(d, plainVerbOf(a), id, actor);
  }
}

async function eventAction(d: ChatDeps, user: User, action: EventCardAction, messageId: string | null): Promise<CardAnswer> {
  const actor = actorOf(user);
  let answer: CardAnswer['toast'];
  try {
    const r =
      action.a === 'claim'
        ? await d.events.claim(action.e, actor)
        : action.a === 'unclaim'
          ? await d.events.unclaim(action.e, actor)
          : action.a === 'unsilence'
            ? await d.events.unsilence(action.e, actor)
            : await d.events.silence(action.e, parseDuration(action.d)!, actor, action.a === 'silence' ? 'event' : 'alertname');
    answer = { type: 'success', content: sayText(d.locale, r.say) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    answer = { type: 'error', content: messageOf(d.locale, e) };
  }
  // Either way the card shows the event as it now is (claimed by someone else, say). A click
  // on the /alerts list re-renders the list.
  const card = (messageId ? await d.eventCards.forMessage(messageId) : null) ?? (await alertsListReply(d));
  return { toast: answer, card };
}

/** A remediation action's button, clicked after Feishu's confirmation: one run per click (the callback's event id is taken once). */
async function runAction(d: ChatDeps, user: User, action: Extract<CardAction, { a: 'remedy' }>): Promise<CardAnswer> {
  const r = await d.remedy.request(action.x, action.e, actorOf(user), 'button');
  return toast('success', t(d.locale, 'remedy.toast.running', { name: r.action }));
}

async function saveRule(d: ChatDeps, user: User, ruleId: number, formValue: unknown): Promise<CardAnswer> {
  const rule = await d.alertRules.get(ruleId);
  const draft = asStrings(formValue);
  const form = ruleFormSchema.safeParse(formValue);
  if (!form.success) {
    const details = formIssueLines(d.locale, form.error.issues);
    const error = { message: details[0] ?? t(d.locale, 'toast.invalidForm'), details };
    return toast('error', t(d.locale, 'toast.checkForm'), await ruleCardFor(d, rule, user, { draft, error }));
  }
  const f = form.data;
  try {
    const saved = await d.alertRules.update(
      ruleId,
      { expr: f.expr, for: parseDuration(f.for) === 0 ? null : f.for, severity: f.severity, labels: f.labels, annotations: f.annotations, enabled: f.enabled },
      actorOf(user),
    );
    return toast('success', t(d.locale, 'toast.ruleSaved', { id: ruleId }), await ruleCardFor(d, saved, user));
  } catch (e) {
    if (!isAppError(e) || e.code !== 'validation_failed') throw e;
    // The lines name the field of every problem (which annotation's template), even of one.
    return toast('error', t(d.locale, 'toast.notSaved'), await ruleCardFor(d, rule, user, { draft, error: { message: messageOf(d.locale, e), details: issueLines(d.locale, e) } }));
  }
}

async function swapFromCard(d: ChatDeps, user: User, groupId: number, offer: boolean, formValue: unknown): Promise<CardAnswer> {
  const group = await d.oncallGroups.get(groupId);
  const form = swapFormSchema.safeParse(formValue);
  const problem = form.success
    ? !offer && !form.data.user
      ? t(d.locale, 'toast.pickPerson')
      : null
    : formIssueLines(d.locale, form.error.issues).join('; ');
  if (problem || !form.success) return toast('error', t(d.locale, 'toast.notSent'), await swapFormCard(d, group, problem ?? undefined));
  try {
    const target = offer ? 'offer' : { openId: form.data.user! };
    const { request, reply } = await requestSwap(d, user, group, { first: form.data.date, last: form.data.date }, target);
    const done = t(d.locale, request.state === 'pending' ? (offer ? 'toast.offered' : 'toast.requestSent') : 'toast.swapped');
    return toast('success', done, 'card' in reply ? reply.card : undefined);
  } catch (e) {
    if (!isAppError(e) || !['validation_failed', 'conflict', 'forbidden'].includes(e.code)) throw e;
    return toast('error', t(d.locale, 'toast.notSent'), await swapFormCard(d, group, messageOf(d.locale, e)));
  }
}

const DECIDED = { sr_accept: 'toast.accepted', sr_decline: 'toast.declined', sr_cancel: 'toast.cancelled' } as const;

/**
 * Accept (or take), decline or cancel a swap request from its card. Refused clicks (not the
 * person asked, already taken, expired) toast why and show the request as it now is.
 */
async function decideRequest(d: ChatDeps, user: User, action: Extract<CardAction, { r: number; a: `sr_${string}` }>): Promise<CardAnswer> {
  const by = requesterOf(user);
  const decide = { sr_accept: () => d.oncallSwapRequests.accept(action.r, by), sr_decline: () => d.oncallSwapRequests.decline(action.r, by), sr_cancel: () => d.oncallSwapRequests.cancel(action.r, by) }[action.a];
  try {
    const decided = await decide();
    return toast('success', t(d.locale, DECIDED[action.a]), swapRequestCard(await d.oncallSwapRequests.view(decided), 'group', d.locale));
  } catch (e) {
    if (!isAppError(e) || !['forbidden', 'conflict'].includes(e.code)) throw e;
    const now = await d.oncallSwapRequests.get(action.r);
    // A refused click leaves the card alone while the request is open: it is still someone's to answer.
    return toast('error', messageOf(d.locale, e), now.state === 'pending' ? undefined : swapRequestCard(await d.oncallSwapRequests.view(now), 'group', d.locale));
  }
}
