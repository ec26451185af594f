import { SILENCE_DURATIONS, type GroupActionName } from './actions';
import { button, card, escLine, fields, fitCount, header, hr, linkButton, md, mention, nameOf, note, option, row, text, textTag, type Button, type Card, type Element, type Person, type TextTag } from './card';
import { clip, formatDuration, formatTime } from '../core/text';
import { t, type Locale } from '../i18n';
import { severityStyle } from './alert-parts';
import { actionButtons, type ActionButtonView } from './action-buttons';
import { commonLabels, countAlerts, differingLabels, summariseLabel, worstSeverity, type AlertGroupView, type GroupAlertView, type GroupCounts } from './group-parts';

export interface GroupCardInput {
  group: AlertGroupView;
  oncall?: Person | null;
  timezone: string;
  now: Date;
  /** false for custom webhook bots (no callbacks). */
  withButtons: boolean;
  /** Set on the private card sent to escalation users. */
  escalation?: { level: number; unacknowledgedMinutes: number };
  locale: Locale;
  /**
   * Remediation actions offered as "Run: …" buttons (src/remedy), and the alert of the group
   * they run on (its first firing alert); the button labels are in `locale`.
   */
  actions?: { eventId: number; list: readonly ActionButtonView[]; locale: Locale };
}

type ButtonAction = Exclude<GroupActionName, 'g_silence' | 'g_note' | 'g_responder'>;
const TIMELINE_KINDS = ['acknowledged', 'unacknowledged', 'taken_over', 'resolved', 'reopened', 'silenced', 'note', 'responder_added', 'escalated'] as const;
const isTimelineKind = (k: string): k is (typeof TIMELINE_KINDS)[number] => (TIMELINE_KINDS as readonly string[]).includes(k);

const ICON = (a: GroupAlertView): string => (a.status === 'resolved' ? '✅' : severityStyle(a.severity).icon);

function groupTags(g: AlertGroupView, severity: string, now: Date, L: Locale): TextTag[] {
  const silenced = g.silencedUntil && g.silencedUntil > now;
  const state = g.status === 'resolved' ? textTag(t(L, 'gcard.state.resolved'), 'green') : silenced ? textTag(t(L, 'gcard.state.silenced'), 'neutral') : textTag(t(L, 'gcard.state.firing'), 'red');
  const tags = [state, textTag(clip(severity || t(L, 'alert.unknownSeverity'), 20), severityStyle(severity).color)];
  if (g.acknowledgedBy && g.status === 'firing') tags.push(textTag(t(L, 'gcard.state.acknowledged'), 'turquoise'));
  return tags;
}

/** One alert in a line: only the labels that differ between the group's alerts. */
function alertLine(a: GroupAlertView, differ: string[], timezone: string, now: Date, L: Locale): string {
  const labels = differ.filter((k) => a.labels[k] !== undefined).map((k) => `${escLine(clip(k, 40))}=${escLine(clip(a.labels[k]!, 80))}`);
  const state =
    a.status === 'resolved'
      ? a.resolvedAt ? t(L, 'gcard.row.resolvedAt', { when: formatTime(a.resolvedAt, timezone, 'MM-DD HH:mm') }) : t(L, 'gcard.row.resolved')
      : t(L, 'gcard.row.firing', { duration: formatDuration(now.getTime() - a.firstSeenAt.getTime()) });
  const who = a.status === 'firing' && a.claimedBy ? ` · 🙋 ${escLine(clip(a.claimedBy.name, 40))}` : '';
  return `${ICON(a)} #${a.id} ${labels.join(' ') || '—'} · ${state}${who}`;
}

function linkButtons(g: AlertGroupView, L: Locale): Button[] {
  const candidates: [string, string | null | undefined][] = [
    [t(L, 'gcard.link.runbook'), g.annotations.runbook_url],
    [t(L, 'gcard.link.dashboard'), g.annotations.dashboard ?? g.annotations.dashboard_url],
    ['Grafana', g.grafanaUrl ?? g.annotations.grafana_url],
    ['Prometheus', g.prometheusUrl],
    ['Alertmanager', g.alertmanagerUrl],
  ];
  return candidates.flatMap(([label, url]) => (url && /^https?:\/\//.test(url) ? [linkButton(label, url)] : []));
}

/** Group buttons and forms: the same on the group card, the escalation card and a storm digest's entry. */
export function groupControls(g: AlertGroupView, now: Date, L: Locale): Element[] {
  if (g.status !== 'firing') return [];
  const B = (a: ButtonAction): string => t(L, `gcard.button.${a}`);
  const i = g.id;
  const buttons = [
    g.acknowledgedBy ? button(B('g_unack'), { a: 'g_unack', i }) : button(B('g_ack'), { a: 'g_ack', i }, { type: 'primary' }),
    button(B('g_take'), { a: 'g_take', i }),
    button(B('g_resolve'), { a: 'g_resolve', i }, { confirm: [B('g_resolve'), t(L, 'gcard.resolveConfirm')] }),
    button(B('g_escalate'), { a: 'g_escalate', i }, { type: 'danger' }),
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
        { tag: 'select_static', name: 'picked', placeholder: text(t(L, 'gcard.silencePick')), options: SILENCE_DURATIONS.map((d) => option(d, d)), width: 'default' },
        input('duration', t(L, 'gcard.silenceTyped'), 40),
        input('reason', t(L, 'gcard.reason'), 500),
        submit(t(L, 'gcard.silenceSubmit'), 'g_silence'),
      ],
    });
  }
  out.push({ tag: 'form', name: `g_note_${i}`, elements: [input('note', t(L, 'gcard.notePlaceholder'), 1000), submit(t(L, 'gcard.noteSubmit'), 'g_note')] });
  out.push({
    tag: 'form',
    name: `g_responder_${i}`,
    elements: [{ tag: 'select_person', name: 'user', placeholder: text(t(L, 'gcard.responderPlaceholder')), width: 'default' }, submit(t(L, 'gcard.responderSubmit'), 'g_responder')],
  });
  return out;
}

function countsLine(c: GroupCounts, L: Locale): string {
  const parts = [t(L, 'gcard.count.firing', { count: c.firing }), t(L, 'gcard.count.resolved', { count: c.resolved })];
  if (c.acknowledged) parts.push(t(L, 'gcard.count.acknowledged', { count: c.acknowledged }));
  if (c.silenced) parts.push(t(L, 'gcard.count.silenced', { count: c.silenced }));
  return parts.join(' · ');
}

function people(input: GroupCardInput): string {
  const { group: g, oncall, timezone, locale: L } = input;
  const at = (d: Date) => formatTime(d, timezone, 'MM-DD HH:mm');
  const lines = [t(L, 'alert.onCall', { who: !oncall ? t(L, 'alert.nobodyOnCall') : g.status === 'firing' ? mention(oncall) : nameOf(oncall) })];
  if (g.acknowledgedBy && g.status === 'firing') lines.push(t(L, 'gcard.ackBy', { name: escLine(g.acknowledgedBy.name), when: g.acknowledgedAt ? at(g.acknowledgedAt) : '—' }));
  if (g.silencedUntil && g.silencedUntil > input.now) {
    const silenced = t(L, 'gcard.silencedBy', { name: escLine(g.silencedBy?.name ?? '—'), when: at(g.silencedUntil) });
    lines.push(g.silenceUrl ? `${silenced} · [${t(L, 'gcard.silenceLink')}](${g.silenceUrl})` : silenced);
  }
  if (g.escalationLevel > 0 && g.status === 'firing') lines.push(t(L, 'alert.escalated', { level: g.escalationLevel }));
  if (g.responders.length) lines.push(t(L, 'gcard.responders', { people: g.responders.map((p) => nameOf(p)).join(', ') }));
  if (g.resolvedBy && g.status === 'resolved') lines.push(t(L, 'gcard.resolvedBy', { name: escLine(g.resolvedBy.name) }));
  return lines.join('\n');
}

function timelineText(g: AlertGroupView, timezone: string, L: Locale): string | null {
  const last = g.timeline.slice(-5);
  if (!last.length) return null;
  const line = (e: AlertGroupView['timeline'][number]) => {
    const what = isTimelineKind(e.kind) ? t(L, `gcard.timeline.${e.kind}`) : e.kind;
    const extra = typeof e.detail?.text === 'string' ? `: ${escLine(clip(e.detail.text, 200))}` : typeof e.detail?.name === 'string' ? ` ${escLine(e.detail.name)}` : '';
    return `${formatTime(e.at, timezone, 'MM-DD HH:mm')} · ${escLine(clip(e.actor, 60))} ${what}${extra}`;
  };
  return [t(L, 'gcard.timeline'), ...last.map(line)].join('\n');
}

/** The alert group's card: in the group chat, privately to the person on call, and (with `escalation`) to escalation users. */
export function groupCard(input: GroupCardInput): Card {
  const { group: g, now, timezone, locale: L } = input;
  const severity = worstSeverity(g.alerts);
  const silenced = g.silencedUntil && g.silencedUntil > now;
  const template = input.escalation ? 'carmine' : g.status === 'resolved' ? 'green' : silenced ? 'grey' : severityStyle(severity).template;
  const subtitle = t(L, 'gcard.subtitle', { id: g.id, count: g.alerts.length, group: g.sendGroupName });
  const head = header(template, input.escalation ? t(L, 'gcard.escalatedTitle', { alertname: g.alertname }) : g.alertname, subtitle, groupTags(g, severity, now, L));
  const counts = countAlerts(g.alerts, now);
  const common = commonLabels(g.alerts);
  const differ = differingLabels(g.alerts);
  const top: Element[] = [];
  if (input.escalation) top.push(md(t(L, 'gcard.escalatedToYou', { level: input.escalation.level, minutes: input.escalation.unacknowledgedMinutes })));
  const story = [g.annotations.summary ? `**${escLine(clip(g.annotations.summary, 300))}**` : '', g.annotations.description ? escLine(clip(g.annotations.description, 800)) : ''].filter(Boolean);
  if (story.length) top.push(md(story.join('\n')));
  // One alert: its value, as the alert card showed it (it changes on each repeat).
  const value = g.alerts.length === 1 ? g.annotations.description_value : undefined;
  if (value) top.push(md(t(L, 'alert.value', { value: escLine(clip(value, 200)) })));
  top.push(md(countsLine(counts, L)));
  const commonText = Object.keys(common).sort().map((k) => `${escLine(clip(k, 60))}: ${escLine(clip(common[k]!, 120))}`);
  if (commonText.length) top.push(md(`${t(L, 'gcard.common')} ${commonText.join(' · ')}`, 'notation'));
  if (differ.length && g.alerts.length > 1) top.push(md(`${t(L, 'gcard.differ')} ${differ.slice(0, 10).map((k) => escLine(summariseLabel(L, k, g.alerts))).join(' · ')}`, 'notation'));
  const end = g.status === 'resolved' ? (g.resolvedAt ?? now) : now;
  top.push(
    ...fields([
      [t(L, 'alert.firstFired'), formatTime(g.firstSeenAt, timezone)],
      [t(L, 'alert.lastSeen'), formatTime(g.lastSeenAt, timezone)],
      [t(L, g.status === 'resolved' ? 'alert.lasted' : 'alert.firingFor'), formatDuration(end.getTime() - g.firstSeenAt.getTime())],
    ]),
  );
  top.push(md(people(input)));
  const ordered = [...g.alerts].sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'firing' ? -1 : 1));
  const lines = ordered.map((a) => alertLine(a, differ, timezone, now, L));
  const links = linkButtons(g, L);
  const tl = timelineText(g, timezone, L);
  const tail: Element[] = [];
  if (links.length) tail.push(row(links));
  if (tl) tail.push(note(tl));
  tail.push(note(t(L, 'gcard.times', { zone: escLine(timezone) })));
  if (input.withButtons) {
    const controls = groupControls(g, now, L);
    const run = g.status === 'firing' && input.actions?.list.length ? actionButtons(input.actions.eventId, input.actions.list, input.actions.locale) : [];
    if (run.length) controls.push(row(run));
    if (controls.length) tail.push(hr(), ...controls);
  } else if (g.status === 'firing') {
    const one = ordered[0];
    if (one) tail.push(note(t(L, 'gcard.commands', { id: g.id, alertId: one.id })));
  }
  const summary = t(L, 'gcard.summary', { state: t(L, g.status === 'resolved' ? 'gcard.state.resolved' : 'gcard.state.firing'), alertname: g.alertname, count: counts.firing });
  return fitCount(lines.length, (n) => {
    const list = lines.slice(0, n);
    const more = lines.length - n;
    const body = list.length ? [md([...list, ...(more > 0 ? [t(L, 'gcard.more', { count: more, id: g.id })] : [])].join('\n'))] : [];
    return card(head, [...top, ...body, ...tail], summary);
  });
}
