import type { SilenceDuration } from './actions';
import { button, esc, escLine, fields, md, mdLink, mention, nameOf, option, row, textTag, type Element, type Markdown, type Person, type SelectStatic, type TagColor, type Template, type TextTag } from './card';
import { clip, formatDuration, formatTime } from '../core/text';

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

export function stateTags(e: AlertEventView, now: Date): TextTag[] {
  const state = stateLabel(e, now);
  const tags = [
    textTag(state, state === 'RESOLVED' ? 'green' : state === 'SILENCED' ? 'neutral' : 'red'),
    textTag(clip(e.severity || 'unknown', 20), severityStyle(e.severity).color),
  ];
  if (e.claimedBy && e.status === 'firing') tags.push(textTag('CLAIMED', 'turquoise'));
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
}

/** Summary, description and value; the grid of facts; who is on it. */
export function alertFacts({ event: e, sendGroupName, oncall, timezone, now }: FactsInput): Element[] {
  const out: Element[] = [];
  const story = [
    e.summary ? `**${escLine(clip(e.summary, 300))}**` : '',
    e.description ? esc(clip(e.description, 1500)) : '',
    e.value ? `**Value:** ${escLine(clip(e.value, 100))}` : '',
  ].filter(Boolean);
  if (story.length) out.push(md(story.join('\n')));

  const time = (d: Date) => formatTime(d, timezone);
  const end = e.status === 'resolved' && e.resolvedAt ? e.resolvedAt : now;
  const pairs: Array<[string, string]> = [
    ['Severity', escLine(e.severity || 'unknown')],
    ['Target', e.target ? escLine(clip(e.target, 200)) : '—'],
  ];
  if (e.treePath) pairs.push(['Service tree', escLine(clip(e.treePath, 200))]);
  pairs.push(['Send group', escLine(sendGroupName)]);
  pairs.push(['First fired', time(e.firstSeenAt)]);
  pairs.push(e.status === 'resolved' && e.resolvedAt ? ['Resolved', time(e.resolvedAt)] : ['Last seen', time(e.lastSeenAt)]);
  pairs.push([e.status === 'resolved' ? 'Lasted' : 'Firing for', formatDuration(end.getTime() - e.firstSeenAt.getTime())]);
  pairs.push(['Notifications', String(e.count)]);
  out.push(...fields(pairs));

  // Only a firing alert is worth a notification; a resolved card names the person quietly.
  const onCall = !oncall ? 'nobody on call' : e.status === 'firing' ? mention(oncall) : nameOf(oncall);
  const people = [`**On call:** ${onCall}`];
  if (e.claimedBy) {
    people.push(`**Claimed by:** ${escLine(e.claimedBy.name)}${e.claimedAt ? ` at ${time(e.claimedAt)}` : ''}`);
  }
  if (isSilenced(e, now) && e.silencedUntil) people.push(`**Silenced until:** ${time(e.silencedUntil)}`);
  if (e.escalationLevel > 0) people.push(`**Escalated:** level ${e.escalationLevel}`);
  out.push(md(people.join('\n')));
  return out;
}

/** Graph links, and where buttons cannot work (custom webhook bots) the way to act instead. */
export function alertLinks(e: AlertEventView, opts: { eventUrl?: string | null; withButtons: boolean; timezone: string }): Markdown {
  const links = [mdLink('Prometheus graph', e.generatorUrl), mdLink('Grafana', e.grafanaUrl), mdLink(`Event #${e.id}`, opts.eventUrl)];
  const lines = [links.filter(Boolean).join(' · ')].filter(Boolean);
  if (!opts.withButtons && e.status === 'firing') {
    lines.push(`Claim or silence: send \`/claim ${e.id}\` or \`/silence ${e.id} 1h\` to the promduty bot.`);
  }
  lines.push(`Times in ${escLine(opts.timezone)}`);
  return md(lines.join('\n'), 'notation');
}

export interface ControlOptions {
  /** Silence durations offered as one-click buttons. */
  silence: readonly SilenceDuration[];
  /** Offer the select that silences every alert of this alertname (the duration is its option). */
  alertname: boolean;
}

/** Buttons for a firing event: Claim unless claimed; Unsilence when silenced, else Silence. */
export function alertControls(e: AlertEventView | EventRowView, now: Date, opts: ControlOptions): Element[] {
  if (e.status !== 'firing') return [];
  const out: Element[] = [];
  if (!e.claimedBy) out.push(button('Claim', { a: 'claim', e: e.id }, { type: 'primary' }));
  if (isSilenced(e, now)) {
    out.push(button('Unsilence', { a: 'unsilence', e: e.id }));
    return out;
  }
  for (const d of opts.silence) out.push(button(`Silence ${d}`, { a: 'silence', e: e.id, d }));
  if (opts.alertname) out.push(alertnameSelect(e, opts.silence));
  return out;
}

function alertnameSelect(e: EventRowView, durations: readonly SilenceDuration[]): SelectStatic {
  return {
    tag: 'select_static',
    placeholder: { tag: 'plain_text', content: clip(`Silence all ${e.alertname}…`, 60) },
    options: durations.map((d) => option(`for ${d}`, d)),
    // No `d` here: the chosen option arrives as `action.option` (see parseCardAction).
    behaviors: [{ type: 'callback', value: { a: 'silence_alertname', e: e.id } }],
  };
}

/** One markdown line per event: icon, id, name, target, state, who has it. */
export function eventLine(e: EventRowView, timezone: string, now: Date): string {
  const icon = e.status === 'resolved' ? '✅' : severityStyle(e.severity).icon;
  const parts = [`${icon} **#${e.id} ${escLine(clip(e.alertname, 80))}**`];
  if (e.target) parts.push(escLine(clip(e.target, 80)));
  parts.push(escLine(clip(e.severity || 'unknown', 20)));
  if (e.status === 'resolved') {
    parts.push(e.resolvedAt ? `resolved ${formatTime(e.resolvedAt, timezone, 'MM-DD HH:mm')}` : 'resolved');
  } else {
    parts.push(`firing ${formatDuration(now.getTime() - e.firstSeenAt.getTime())}`);
    if (e.claimedBy) parts.push(`claimed by ${escLine(clip(e.claimedBy.name, 40))}`);
    if (isSilenced(e, now) && e.silencedUntil) parts.push(`🔕 until ${formatTime(e.silencedUntil, timezone, 'MM-DD HH:mm')}`);
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
  opts: { timezone: string; now: Date; controls: (e: E) => Element[]; maxWithControls: number },
): Element[] {
  const out: Element[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) out.push(md(pending.join('\n')));
    pending = [];
  };
  let withControls = 0;
  for (const e of events) {
    const line = eventLine(e, opts.timezone, opts.now);
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
