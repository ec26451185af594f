import { SILENCE_DURATIONS } from './actions';
import { button, card, escLine, fitCount, header, md, mention, note, option, row, text, type Card, type Element, type Person, type Template } from './card';
import { clip } from '../core/text';
import { t, type Locale } from '../i18n';
import { severityStyle } from './alert-parts';
import { countAlerts, differingLabels, summariseLabel, worstSeverity, type AlertGroupView } from './group-parts';

export interface GroupDigestInput {
  sendGroupName: string;
  groups: AlertGroupView[];
  oncall?: Person | null;
  timezone: string;
  now: Date;
  withButtons: boolean;
  locale: Locale;
}

/** Entries with a button set cost about six elements each; Feishu allows 200 per card. */
const GROUPS_WITH_BUTTONS = 25;

/** A storm folded for one chat: the groups (not their rows), each with its differing labels summarised and one set of buttons. */
export function groupDigestCard(input: GroupDigestInput): Card {
  const L = input.locale;
  const groups = [...input.groups].sort((a, b) => severityStyle(worstSeverity(a.alerts)).rank - severityStyle(worstSeverity(b.alerts)).rank || a.id - b.id);
  const counts = groups.map((g) => countAlerts(g.alerts, input.now));
  const firing = counts.reduce((n, c) => n + c.firing, 0);
  const alerts = groups.reduce((n, g) => n + g.alerts.length, 0);
  const worst = groups.find((g) => g.status === 'firing');
  const template: Template = worst ? severityStyle(worstSeverity(worst.alerts)).template : 'green';
  const title = t(L, 'gdigest.title', { groups: groups.length, firing });
  const head = header(template, title, t(L, 'gdigest.subtitle', { group: input.sendGroupName }));
  const top: Element[] = [note(t(L, 'gdigest.intro', { groups: groups.length, alerts, group: escLine(input.sendGroupName) }))];
  if (input.oncall) top.push(md(t(L, 'alert.onCall', { who: mention(input.oncall) })));
  const entry = (g: AlertGroupView, i: number, buttons: boolean): Element[] => {
    const differ = differingLabels(g.alerts).slice(0, 4).map((k) => escLine(clip(summariseLabel(L, k, g.alerts), 60))).join(' · ');
    const icon = g.status === 'resolved' ? '✅' : severityStyle(worstSeverity(g.alerts)).icon;
    const head = t(L, 'gdigest.line', { icon, name: escLine(clip(g.alertname, 80)), count: g.alerts.length, firing: counts[i]!.firing });
    const line = [head, differ, t(L, 'gdigest.groupRef', { id: g.id })].filter(Boolean).join(' · ');
    if (!buttons || !input.withButtons || g.status !== 'firing') return [md(line)];
    const controls: Element[] = [];
    if (!g.acknowledgedBy) controls.push(button(t(L, 'gcard.button.g_ack'), { a: 'g_ack', i: g.id }, { type: 'primary' }));
    if (!(g.silencedUntil && g.silencedUntil > input.now)) {
      controls.push({ tag: 'select_static', placeholder: text(t(L, 'gdigest.silence')), options: SILENCE_DURATIONS.map((d) => option(d, d)), behaviors: [{ type: 'callback', value: { a: 'g_silence', i: g.id } }] });
    }
    return controls.length ? [md(line), row(controls)] : [md(line)];
  };
  return fitCount(groups.length, (n) => {
    const body = groups.slice(0, n).flatMap((g, i) => entry(g, i, i < GROUPS_WITH_BUTTONS));
    const more = groups.length - n;
    return card(head, [...top, ...body, ...(more > 0 ? [note(t(L, 'gdigest.more', { count: more }))] : []), note(t(L, 'gdigest.howTo'))], t(L, 'gdigest.summary', { title }));
  });
}
