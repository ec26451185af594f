import { SILENCE_DURATIONS } from './actions';
import { button, card, escLine, fitCount, header, md, mention, note, option, row, text, type Card, type Element, type Person, type Template } from './card';
import { clip } from '../core/text';
import { severityStyle } from './alert-parts';
import { countAlerts, differingLabels, summariseLabel, worstSeverity, type AlertGroupView } from './group-parts';

/** The storm digest's words, in one place (to move into the i18n catalogue). */
const T = {
  title: (groups: number, firing: number) => `${groups} alert groups · ${firing} alerts firing`,
  subtitle: (sendGroup: string) => `Alert storm · ${sendGroup}`,
  intro: (groups: number, alerts: number, sendGroup: string) => `${groups} groups (${alerts} alerts) arrived together in **${sendGroup}**; each is listed once.`,
  onCall: (who: string) => `**On call:** ${who}`,
  line: (icon: string, name: string, n: number, firing: number, differ: string) => `${icon} **${name}** · ${n} alert${n === 1 ? '' : 's'} (${firing} firing)${differ ? ` · ${differ}` : ''}`,
  groupRef: (id: number) => `group #${id}`,
  ack: 'Acknowledge all',
  silence: 'Silence group…',
  more: (n: number) => `… and ${n} more groups: /alerts`,
  howTo: "Every alert of a group: `/group ID` (or GET /api/v1/alert-groups/ID); `/group ID ack`, `/group ID silence 2h reason` act on a whole group.",
};

export interface GroupDigestInput {
  sendGroupName: string;
  groups: AlertGroupView[];
  oncall?: Person | null;
  timezone: string;
  now: Date;
  withButtons: boolean;
}

/** Entries with a button set cost about six elements each; Feishu allows 200 per card. */
const GROUPS_WITH_BUTTONS = 25;

/** A storm folded for one chat: the groups (not their rows), each with its differing labels summarised and one set of buttons. */
export function groupDigestCard(input: GroupDigestInput): Card {
  const groups = [...input.groups].sort((a, b) => severityStyle(worstSeverity(a.alerts)).rank - severityStyle(worstSeverity(b.alerts)).rank || a.id - b.id);
  const counts = groups.map((g) => countAlerts(g.alerts, input.now));
  const firing = counts.reduce((n, c) => n + c.firing, 0);
  const alerts = groups.reduce((n, g) => n + g.alerts.length, 0);
  const worst = groups.find((g) => g.status === 'firing');
  const template: Template = worst ? severityStyle(worstSeverity(worst.alerts)).template : 'green';
  const head = header(template, T.title(groups.length, firing), T.subtitle(input.sendGroupName));
  const top: Element[] = [note(T.intro(groups.length, alerts, escLine(input.sendGroupName)))];
  if (input.oncall) top.push(md(T.onCall(mention(input.oncall))));
  const entry = (g: AlertGroupView, i: number, buttons: boolean): Element[] => {
    const differ = differingLabels(g.alerts).slice(0, 4).map((k) => escLine(clip(summariseLabel(k, g.alerts), 60))).join(' · ');
    const icon = g.status === 'resolved' ? '✅' : severityStyle(worstSeverity(g.alerts)).icon;
    const line = `${T.line(icon, escLine(clip(g.alertname, 80)), g.alerts.length, counts[i]!.firing, differ)} · ${T.groupRef(g.id)}`;
    if (!buttons || !input.withButtons || g.status !== 'firing') return [md(line)];
    const controls: Element[] = [];
    if (!g.acknowledgedBy) controls.push(button(T.ack, { a: 'g_ack', i: g.id }, { type: 'primary' }));
    if (!(g.silencedUntil && g.silencedUntil > input.now)) {
      controls.push({ tag: 'select_static', placeholder: text(T.silence), options: SILENCE_DURATIONS.map((d) => option(d, d)), behaviors: [{ type: 'callback', value: { a: 'g_silence', i: g.id } }] });
    }
    return controls.length ? [md(line), row(controls)] : [md(line)];
  };
  return fitCount(groups.length, (n) => {
    const body = groups.slice(0, n).flatMap((g, i) => entry(g, i, i < GROUPS_WITH_BUTTONS));
    const more = groups.length - n;
    return card(head, [...top, ...body, ...(more > 0 ? [note(T.more(more))] : []), note(T.howTo)], `[STORM] ${T.title(groups.length, firing)}`);
  });
}
