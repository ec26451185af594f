import { SILENCE_DURATIONS, type GroupActionName } from './actions';
import { button, card, escLine, fields, fitCount, header, hr, linkButton, md, mention, nameOf, note, option, row, text, textTag, type Button, type Card, type Element, type Person, type TextTag } from './card';
import { clip, formatDuration, formatTime } from '../core/text';
import { severityStyle } from './alert-parts';
import { actionButtons, type ActionButtonView } from './action-buttons';
import type { Locale } from '../i18n';
import { commonLabels, countAlerts, differingLabels, summariseLabel, worstSeverity, type AlertGroupView, type GroupAlertView } from './group-parts';

/** The group card's words, in one place (to move into the i18n catalogue). */
export const GROUP_TEXT = {
  firing: 'FIRING',
  resolved: 'RESOLVED',
  silenced: 'SILENCED',
  acknowledged: 'ACKNOWLEDGED',
  subtitle: (id: number, n: number, sendGroup: string) => `Group #${id} · ${n} alert${n === 1 ? '' : 's'} · ${sendGroup}`,
  counts: (c: { firing: number; resolved: number; acknowledged: number; silenced: number }) =>
    [`🔥 **${c.firing}** firing`, `✅ **${c.resolved}** resolved`, c.acknowledged ? `🙋 **${c.acknowledged}** acknowledged` : '', c.silenced ? `🔕 **${c.silenced}** silenced` : '']
      .filter(Boolean)
      .join(' · '),
  value: (v: string) => `**Value:** ${v}`,
  /** A custom bot's card cannot call back: the commands that do what the buttons would. */
  commands: (id: number, alertId: number) =>
    `Acknowledge or silence: send \`/group ${id} ack\` or \`/group ${id} silence 1h\` to the promduty bot; one alert: \`/claim ${alertId}\`.`,
  common: '**Common labels**',
  differ: '**Differ**',
  firstFired: 'First fired',
  lastSeen: 'Last seen',
  firingFor: 'Firing for',
  lasted: 'Lasted',
  onCall: '**On call:**',
  nobodyOnCall: 'nobody on call',
  ackBy: (who: string, at: string) => `**Acknowledged by:** ${who} at ${at}`,
  silencedBy: (who: string, until: string, link: string | null) => `**Silenced by:** ${who} until ${until}${link ? ` · ${link}` : ''}`,
  silenceLink: 'silence in Alertmanager',
  escalated: (level: number) => `**Escalated:** level ${level}`,
  responders: (people: string) => `**Responders:** ${people}`,
  resolvedBy: (who: string) => `**Resolved by hand:** ${who} (a new firing notification reopens it)`,
  more: (n: number, id: number) => `… ${n} more alerts: \`/group ${id}\` or GET /api/v1/alert-groups/${id}`,
  timeline: '**Timeline**',
  escalatedToYou: (level: number, minutes: number) => `**Escalated to you** (level ${level}): nobody acknowledged this group in ${minutes} minutes.`,
  times: (tz: string) => `Times in ${tz}`,
  buttons: {
    g_ack: 'Acknowledge all',
    g_unack: 'Unacknowledge',
    g_take: 'Take over',
    g_resolve: 'Resolve',
    g_escalate: 'Escalate now',
  } as Record<Exclude<GroupActionName, 'g_silence' | 'g_note' | 'g_responder'>, string>,
  silencePick: 'Silence for…',
  silenceTyped: 'or type: 90m, until 09:00, 2d (≤ 30d)',
  reason: 'Reason',
  silenceSubmit: 'Silence group',
  notePlaceholder: 'Add a note for the timeline',
  noteSubmit: 'Add note',
  responderPlaceholder: 'Add a responder',
  responderSubmit: 'Add responder',
  links: { runbook: 'Runbook', dashboard: 'Dashboard', grafana: 'Grafana', prometheus: 'Prometheus', alertmanager: 'Alertmanager' },
  timelineKinds: {
    acknowledged: 'acknowledged', unacknowledged: 'unacknowledged', taken_over: 'took over', resolved: 'resolved by hand', reopened: 'reopened',
    silenced: 'silenced', note: 'note', responder_added: 'added responder', escalated: 'escalated',
  } as Record<string, string>,
};

export interface GroupCardInput {
  group: AlertGroupView;
  oncall?: Person | null;
  timezone: string;
  now: Date;
  /** false for custom webhook bots (no callbacks). */
  withButtons: boolean;
  /** Set on the private card sent to escalation users. */
  escalation?: { level: number; unacknowledgedMinutes: number };
  /**
   * Remediation actions offered as "Run: …" buttons (src/remedy), and the alert of the group
   * they run on (its first firing alert); the button labels are in `locale`.
   */
  actions?: { eventId: number; list: readonly ActionButtonView[]; locale: Locale };
}

const ICON = (a: GroupAlertView): string => (a.status === 'resolved' ? '✅' : severityStyle(a.severity).icon);

function groupTags(g: AlertGroupView, severity: string, now: Date): TextTag[] {
  const silenced = g.silencedUntil && g.silencedUntil > now;
  const state = g.status === 'resolved' ? textTag(GROUP_TEXT.resolved, 'green') : silenced ? textTag(GROUP_TEXT.silenced, 'neutral') : textTag(GROUP_TEXT.firing, 'red');
  const tags = [state, textTag(clip(severity || 'unknown', 20), severityStyle(severity).color)];
  if (g.acknowledgedBy && g.status === 'firing') tags.push(textTag(GROUP_TEXT.acknowledged, 'turquoise'));
  return tags;
}

/** One alert in a line: only the labels that differ between the group's alerts. */
function alertLine(a: GroupAlertView, differ: string[], timezone: string, now: Date): string {
  const labels = differ.filter((k) => a.labels[k] !== undefined).map((k) => `${escLine(clip(k, 40))}=${escLine(clip(a.labels[k]!, 80))}`);
  const state =
    a.status === 'resolved'
      ? a.resolvedAt ? `resolved ${formatTime(a.resolvedAt, timezone, 'MM-DD HH:mm')}` : 'resolved'
      : `firing ${formatDuration(now.getTime() - a.firstSeenAt.getTime())}`;
  const who = a.status === 'firing' && a.claimedBy ? ` · 🙋 ${escLine(clip(a.claimedBy.name, 40))}` : '';
  return `${ICON(a)} #${a.id} ${labels.join(' ') || '—'} · ${state}${who}`;
}

function linkButtons(g: AlertGroupView): Button[] {
  const L = GROUP_TEXT.links;
  const candidates: [string, string | null | undefined][] = [
    [L.runbook, g.annotations.runbook_url],
    [L.dashboard, g.annotations.dashboard ?? g.annotations.dashboard_url],
    [L.grafana, g.grafanaUrl ?? g.annotations.grafana_url],
    [L.prometheus, g.prometheusUrl],
    [L.alertmanager, g.alertmanagerUrl],
  ];
  return candidates.flatMap(([label, url]) => (url && /^https?:\/\//.test(url) ? [linkButton(label, url)] : []));
}

/** Group buttons and forms: the same on the group card, the escalation card and a storm digest's entry. */
export function groupControls(g: AlertGroupView, now: Date): Element[] {
  if (g.status !== 'firing') return [];
  const B = GROUP_TEXT.buttons;
  const i = g.id;
  const buttons = [
    g.acknowledgedBy ? button(B.g_unack, { a: 'g_unack', i }) : button(B.g_ack, { a: 'g_ack', i }, { type: 'primary' }),
    button(B.g_take, { a: 'g_take', i }),
    button(B.g_resolve, { a: 'g_resolve', i }, { confirm: [B.g_resolve, 'Mark every alert of this group resolved? A new firing notification reopens it.'] }),
    button(B.g_escalate, { a: 'g_escalate', i }, { type: 'danger' }),
  ];
  const out: Element[] = [row(buttons)];
  const silenced = g.silencedUntil && g.silencedUntil > now;
  const submit = (label: string, a: 'g_silence' | 'g_note' | 'g_responder'): Button => ({
    tag: 'button', text: text(label), type: 'default', name: a, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a, i } }],
  });
  const input = (name: string, placeholder: string, max: number): Element => ({
    tag: 'input', name, label: text(placeholder), label_position: 'top', placeholder: text(placeholder), max_length: max, width: 'fill',
  });
  if (!silenced) {
    out.push({
      tag: 'form',
      name: `g_silence_${i}`,
      elements: [
        { tag: 'select_static', name: 'picked', placeholder: text(GROUP_TEXT.silencePick), options: SILENCE_DURATIONS.map((d) => option(d, d)), width: 'default' },
        input('duration', GROUP_TEXT.silenceTyped, 40),
        input('reason', GROUP_TEXT.reason, 500),
        submit(GROUP_TEXT.silenceSubmit, 'g_silence'),
      ],
    });
  }
  out.push({ tag: 'form', name: `g_note_${i}`, elements: [input('note', GROUP_TEXT.notePlaceholder, 1000), submit(GROUP_TEXT.noteSubmit, 'g_note')] });
  out.push({
    tag: 'form',
    name: `g_responder_${i}`,
    elements: [{ tag: 'select_person', name: 'user', placeholder: text(GROUP_TEXT.responderPlaceholder), width: 'default' }, submit(GROUP_TEXT.responderSubmit, 'g_responder')],
  });
  return out;
}

function people(input: GroupCardInput): string {
  const { group: g, oncall, timezone } = input;
  const t = (d: Date) => formatTime(d, timezone, 'MM-DD HH:mm');
  const lines = [`${GROUP_TEXT.onCall} ${!oncall ? GROUP_TEXT.nobodyOnCall : g.status === 'firing' ? mention(oncall) : nameOf(oncall)}`];
  if (g.acknowledgedBy && g.status === 'firing') lines.push(GROUP_TEXT.ackBy(escLine(g.acknowledgedBy.name), g.acknowledgedAt ? t(g.acknowledgedAt) : '—'));
  if (g.silencedUntil && g.silencedUntil > input.now) {
    const link = g.silenceUrl ? `[${GROUP_TEXT.silenceLink}](${g.silenceUrl})` : null;
    lines.push(GROUP_TEXT.silencedBy(escLine(g.silencedBy?.name ?? '—'), t(g.silencedUntil), link));
  }
  if (g.escalationLevel > 0 && g.status === 'firing') lines.push(GROUP_TEXT.escalated(g.escalationLevel));
  if (g.responders.length) lines.push(GROUP_TEXT.responders(g.responders.map((p) => nameOf(p)).join(', ')));
  if (g.resolvedBy && g.status === 'resolved') lines.push(GROUP_TEXT.resolvedBy(escLine(g.resolvedBy.name)));
  return lines.join('\n');
}

function timelineText(g: AlertGroupView, timezone: string): string | null {
  const last = g.timeline.slice(-5);
  if (!last.length) return null;
  const line = (e: AlertGroupView['timeline'][number]) => {
    const what = GROUP_TEXT.timelineKinds[e.kind] ?? e.kind;
    const extra = typeof e.detail?.text === 'string' ? `: ${escLine(clip(e.detail.text, 200))}` : typeof e.detail?.name === 'string' ? ` ${escLine(e.detail.name)}` : '';
    return `${formatTime(e.at, timezone, 'MM-DD HH:mm')} · ${escLine(clip(e.actor, 60))} ${what}${extra}`;
  };
  return [GROUP_TEXT.timeline, ...last.map(line)].join('\n');
}

/** The alert group's card: in the group chat, privately to the person on call, and (with `escalation`) to escalation users. */
export function groupCard(input: GroupCardInput): Card {
  const { group: g, now, timezone } = input;
  const severity = worstSeverity(g.alerts);
  const silenced = g.silencedUntil && g.silencedUntil > now;
  const template = input.escalation ? 'carmine' : g.status === 'resolved' ? 'green' : silenced ? 'grey' : severityStyle(severity).template;
  const head = header(template, input.escalation ? `Escalated: ${g.alertname}` : g.alertname, GROUP_TEXT.subtitle(g.id, g.alerts.length, g.sendGroupName), groupTags(g, severity, now));
  const counts = countAlerts(g.alerts, now);
  const common = commonLabels(g.alerts);
  const differ = differingLabels(g.alerts);
  const top: Element[] = [];
  if (input.escalation) top.push(md(GROUP_TEXT.escalatedToYou(input.escalation.level, input.escalation.unacknowledgedMinutes)));
  const story = [g.annotations.summary ? `**${escLine(clip(g.annotations.summary, 300))}**` : '', g.annotations.description ? escLine(clip(g.annotations.description, 800)) : ''].filter(Boolean);
  if (story.length) top.push(md(story.join('\n')));
  // One alert: its value, as the alert card showed it (it changes on each repeat).
  const value = g.alerts.length === 1 ? g.annotations.description_value : undefined;
  if (value) top.push(md(GROUP_TEXT.value(escLine(clip(value, 200)))));
  top.push(md(GROUP_TEXT.counts(counts)));
  const commonText = Object.keys(common).sort().map((k) => `${escLine(clip(k, 60))}: ${escLine(clip(common[k]!, 120))}`);
  if (commonText.length) top.push(md(`${GROUP_TEXT.common} ${commonText.join(' · ')}`, 'notation'));
  if (differ.length && g.alerts.length > 1) top.push(md(`${GROUP_TEXT.differ} ${differ.slice(0, 10).map((k) => escLine(summariseLabel(k, g.alerts))).join(' · ')}`, 'notation'));
  const end = g.status === 'resolved' ? (g.resolvedAt ?? now) : now;
  top.push(
    ...fields([
      [GROUP_TEXT.firstFired, formatTime(g.firstSeenAt, timezone)],
      [GROUP_TEXT.lastSeen, formatTime(g.lastSeenAt, timezone)],
      [g.status === 'resolved' ? GROUP_TEXT.lasted : GROUP_TEXT.firingFor, formatDuration(end.getTime() - g.firstSeenAt.getTime())],
    ]),
  );
  top.push(md(people(input)));
  const ordered = [...g.alerts].sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'firing' ? -1 : 1));
  const lines = ordered.map((a) => alertLine(a, differ, timezone, now));
  const links = linkButtons(g);
  const tl = timelineText(g, timezone);
  const tail: Element[] = [];
  if (links.length) tail.push(row(links));
  if (tl) tail.push(note(tl));
  tail.push(note(GROUP_TEXT.times(escLine(timezone))));
  if (input.withButtons) {
    const controls = groupControls(g, now);
    const run = g.status === 'firing' && input.actions?.list.length ? actionButtons(input.actions.eventId, input.actions.list, input.actions.locale) : [];
    if (run.length) controls.push(row(run));
    if (controls.length) tail.push(hr(), ...controls);
  } else if (g.status === 'firing') {
    const one = ordered[0];
    if (one) tail.push(note(GROUP_TEXT.commands(g.id, one.id)));
  }
  const summary = `[${g.status === 'resolved' ? GROUP_TEXT.resolved : GROUP_TEXT.firing}] ${g.alertname} · ${counts.firing} firing`;
  return fitCount(lines.length, (n) => {
    const list = lines.slice(0, n);
    const more = lines.length - n;
    const body = list.length ? [md([...list, ...(more > 0 ? [GROUP_TEXT.more(more, g.id)] : [])].join('\n'))] : [];
    return card(head, [...top, ...body, ...tail], summary);
  });
}
