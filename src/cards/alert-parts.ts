import type { SilenceDuration } from './actions';
import { button, esc, escLine, fields, md, mdLink, mention, nameOf, option, row, textTag, type Element, type Markdown, type Person, type SelectStatic, type TagColor, type Template, type TextTag } from './card';
import { clip, formatDuration } from '../core/text';
import { formatWhen, t, type Locale } from '../i18n';

/**
 * Pieces shared by every card that shows alert events (alert, escalation, digest, alerts
 * list), so an event looks and behaves the same wherever it appears.
 */

export interface AlertEventView {
  id: number;
  alertname: string;
  status: 'firing' | 'resolved';
  severity: string;
  /** The `instance` label, or '' */
  target: string;
  treePath?: string | null;
  summary?: string | null;
  description?: string | null;
  value?: string | null;
  labels: Record<string, string>;
  generatorUrl?: string | null;
  grafanaUrl?: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt?: Date | null;
  count: number;
  claimedBy?: Person | null;
  claimedAt?: Date | null;
  silencedUntil?: Date | null;
  escalationLevel: number;
}

/** What a one-line row needs: digests are built from less than a full event. */
export type EventRowView = Pick<
  AlertEventView,
  'id' | 'alertname' | 'status' | 'severity' | 'target' | 'firstSeenAt' | 'resolvedAt' | 'claimedBy' | 'silencedUntil'
>;

interface SeverityStyle { template: Template; color: TagColor; icon: string; rank: number }
const SEVERITY: Record<string, SeverityStyle> = {
  critical: { template: 'red', color: 'red', icon: '🔴', rank: 0 },
  warning: { template: 'orange', color: 'orange', icon: '🟠', rank: 1 },
  info: { template: 'blue', color: 'blue', icon: '🔵', rank: 3 },
};
// A severity of the team's own (`page`, `high`) is neither routine nor known to be critical.
const OTHER: SeverityStyle = { template: 'yellow', color: 'yellow', icon: '🟡', rank: 2 };
export const severityStyle = (severity: string): SeverityStyle => SEVERITY[severity.toLowerCase()] ?? OTHER;

export const isSilenced = (e: Pick<AlertEventView, 'silencedUntil'>, now: Date): boolean =>
  !!e.silencedUntil && e.silencedUntil.getTime() > now.getTime();

/** Resolved wins over silenced, which wins over severity. */
export function alertTemplate(e: AlertEventView, now: Date): Template {
  if (e.status === 'resolved') return 'green';
  return isSilenced(e, now) ? 'grey' : severityStyle(e.severity).template;
}

export function stateLabel(e: EventRowView, now: Date): 'RESOLVED' | 'SILENCED' | 'FIRING' {
  if (e.status === 'resolved') return 'RESOLVED';
  return isSilenced(e, now) ? 'SILENCED' : 'FIRING';
}

export function stateTags(e: AlertEventView, now: Date, L: Locale): TextTag[] {
  const state = stateLabel(e, now);
  const tags = [
    textTag(t(L, `alert.state.${state}`), state === 'RESOLVED' ? 'green' : state === 'SILENCED' ? 'neutral' : 'red'),
    textTag(clip(e.severity || t(L, 'alert.unknownSeverity'), 20), severityStyle(e.severity).color),
  ];
  if (e.claimedBy && e.status === 'firing') tags.push(textTag(t(L, 'alert.claimedTag'), 'turquoise'));
  return tags;
}

/** Most severe and oldest first: the order an on-call engineer works through a list. */
export function byUrgency(a: EventRowView, b: EventRowView): number {
  if (a.status !== b.status) return a.status === 'firing' ? -1 : 1;
  const r = severityStyle(a.severity).rank - severityStyle(b.severity).rank;
  return r || a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id;
}

export interface FactsInput {
  event: AlertEventView;
  sendGroupName: string;
  oncall?: Person | null;
  timezone: string;
  now: Date;
  locale: Locale;
}

/** Summary, description and value; the grid of facts; who is on it. */
export function alertFacts({ event: e, sendGroupName, oncall, timezone, now, locale: L }: FactsInput): Element[] {
  const out: Element[] = [];
  const story = [
    e.summary ? `**${escLine(clip(e.summary, 300))}**` : '',
    e.description ? esc(clip(e.description, 1500)) : '',
    e.value ? t(L, 'alert.value', { value: escLine(clip(e.value, 100)) }) : '',
  ].filter(Boolean);
  if (story.length) out.push(md(story.join('\n')));

  const time = (d: Date) => formatWhen(L, d, timezone);
  const end = e.status === 'resolved' && e.resolvedAt ? e.resolvedAt : now;
  const pairs: Array<[string, string]> = [
    [t(L, 'alert.severity'), escLine(e.severity || t(L, 'alert.unknownSeverity'))],
    [t(L, 'alert.target'), e.target ? escLine(clip(e.target, 200)) : '—'],
  ];
  if (e.treePath) pairs.push([t(L, 'alert.serviceTree'), escLine(clip(e.treePath, 200))]);
  pairs.push([t(L, 'alert.sendGroup'), escLine(sendGroupName)]);
  pairs.push([t(L, 'alert.firstFired'), time(e.firstSeenAt)]);
  pairs.push(e.status === 'resolved' && e.resolvedAt ? [t(L, 'alert.resolved'), time(e.resolvedAt)] : [t(L, 'alert.lastSeen'), time(e.lastSeenAt)]);
  pairs.push([t(L, e.status === 'resolved' ? 'alert.lasted' : 'alert.firingFor'), formatDuration(end.getTime() - e.firstSeenAt.getTime())]);
  pairs.push([t(L, 'alert.notifications'), String(e.count)]);
  out.push(...fields(pairs));

  // Only a firing alert is worth a notification; a resolved card names the person quietly.
  const onCall = !oncall ? t(L, 'alert.nobodyOnCall') : e.status === 'firing' ? mention(oncall) : nameOf(oncall);
  const people = [t(L, 'alert.onCall', { who: onCall })];
  if (e.claimedBy) {
    const name = escLine(e.claimedBy.name);
    people.push(e.claimedAt ? t(L, 'alert.claimedByAt', { name, when: time(e.claimedAt) }) : t(L, 'alert.claimedBy', { name }));
  }
  if (isSilenced(e, now) && e.silencedUntil) people.push(t(L, 'alert.silencedUntil', { when: time(e.silencedUntil) }));
  if (e.escalationLevel > 0) people.push(t(L, 'alert.escalated', { level: e.escalationLevel }));
  out.push(md(people.join('\n')));
  return out;
}

/** Graph links, and where buttons cannot work (custom webhook bots) the way to act instead. */
export function alertLinks(e: AlertEventView, opts: { eventUrl?: string | null; withButtons: boolean; timezone: string; locale: Locale }): Markdown {
  const L = opts.locale;
  const links = [mdLink(t(L, 'alert.prometheusGraph'), e.generatorUrl), mdLink('Grafana', e.grafanaUrl), mdLink(t(L, 'alert.eventLink', { id: e.id }), opts.eventUrl)];
  const lines = [links.filter(Boolean).join(' · ')].filter(Boolean);
  if (!opts.withButtons && e.status === 'firing') lines.push(t(L, 'alert.howToAct', { id: e.id }));
  lines.push(t(L, 'common.timesIn', { zone: escLine(opts.timezone) }));
  return md(lines.join('\n'), 'notation');
}

export interface ControlOptions {
  /** Silence durations offered as one-click buttons. */
  silence: readonly SilenceDuration[];
  /** Offer the select that silences every alert of this alertname (the duration is its option). */
  alertname: boolean;
  locale: Locale;
}

/** Buttons for a firing event: Claim unless claimed; Unsilence when silenced, else Silence. */
export function alertControls(e: AlertEventView | EventRowView, now: Date, opts: ControlOptions): Element[] {
  if (e.status !== 'firing') return [];
  const L = opts.locale;
  const out: Element[] = [];
  if (!e.claimedBy) out.push(button(t(L, 'alert.claim'), { a: 'claim', e: e.id }, { type: 'primary' }));
  if (isSilenced(e, now)) {
    out.push(button(t(L, 'alert.unsilence'), { a: 'unsilence', e: e.id }));
    return out;
  }
  for (const d of opts.silence) out.push(button(t(L, 'alert.silenceFor', { duration: d }), { a: 'silence', e: e.id, d }));
  if (opts.alertname) out.push(alertnameSelect(e, opts.silence, L));
  return out;
}

function alertnameSelect(e: EventRowView, durations: readonly SilenceDuration[], L: Locale): SelectStatic {
  return {
    tag: 'select_static',
    placeholder: { tag: 'plain_text', content: clip(t(L, 'alert.silenceAll', { alertname: e.alertname }), 60) },
    options: durations.map((d) => option(t(L, 'alert.forDuration', { duration: d }), d)),
    // No `d` here: the chosen option arrives as `action.option` (see parseCardAction).
    behaviors: [{ type: 'callback', value: { a: 'silence_alertname', e: e.id } }],
  };
}

/** One markdown line per event: icon, id, name, target, state, who has it. */
export function eventLine(e: EventRowView, timezone: string, now: Date, L: Locale): string {
  const icon = e.status === 'resolved' ? '✅' : severityStyle(e.severity).icon;
  const parts = [`${icon} **#${e.id} ${escLine(clip(e.alertname, 80))}**`];
  if (e.target) parts.push(escLine(clip(e.target, 80)));
  parts.push(escLine(clip(e.severity || t(L, 'alert.unknownSeverity'), 20)));
  if (e.status === 'resolved') {
    parts.push(e.resolvedAt ? t(L, 'alert.row.resolvedAt', { when: formatWhen(L, e.resolvedAt, timezone) }) : t(L, 'alert.row.resolved'));
  } else {
    parts.push(t(L, 'alert.row.firing', { duration: formatDuration(now.getTime() - e.firstSeenAt.getTime()) }));
    if (e.claimedBy) parts.push(t(L, 'alert.row.claimedBy', { name: escLine(clip(e.claimedBy.name, 40)) }));
    if (isSilenced(e, now) && e.silencedUntil) parts.push(t(L, 'alert.row.silencedUntil', { when: formatWhen(L, e.silencedUntil, timezone) }));
  }
  return parts.join(' · ');
}

/**
 * Events as lines; the first `maxWithControls` that have controls get a row of them under
 * their line (Feishu allows 200 elements per card, and a row costs several). Consecutive
 * lines without controls share one markdown element.
 */
export function eventList<E extends EventRowView>(
  events: readonly E[],
  opts: { timezone: string; now: Date; locale: Locale; controls: (e: E) => Element[]; maxWithControls: number },
): Element[] {
  const out: Element[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) out.push(md(pending.join('\n')));
    pending = [];
  };
  let withControls = 0;
  for (const e of events) {
    const line = eventLine(e, opts.timezone, opts.now, opts.locale);
    const controls = withControls < opts.maxWithControls ? opts.controls(e) : [];
    if (!controls.length) {
      pending.push(line);
      continue;
    }
    flush();
    withControls++;
    out.push(md(line), row(controls));
  }
  flush();
  return out;
}
