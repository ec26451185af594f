import { clip, formatDuration } from '../core/text';
import { WORKING_HOURS } from '../stats/local-days';
import type { StatsFigures } from '../stats/figures';
import { card, escLine, fields, header, md, note, type Card, type Element } from './card';
import { barChart, columnChart } from './chart';
import { t, type Locale } from '../i18n';

export interface StatsCardInput {
  /** The send group's name; null: every send group. */
  sendGroupName: string | null;
  figures: StatsFigures;
  /** The weekly digest posted to a send group's chat, rather than an answer to /stats. */
  digest?: boolean;
  /** Alerts at least this many episodes make an alert flapping (FLAP_EPISODES). */
  flapEpisodes: number;
  locale: Locale;
}

const PEOPLE_LISTED = 10;

const seconds = (s: number | null): string => (s === null ? '—' : formatDuration(s * 1000) || '0s');
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `/stats` and the weekly digest: the headline figures, two charts (alerts per day, the
 * noisiest rules), after-hours pages per person and the flapping alerts, with what each word
 * means underneath.
 */
export function statsCard({ sendGroupName, figures: f, digest, flapEpisodes, locale: L }: StatsCardInput): Card {
  const scope = sendGroupName === null ? t(L, 'stats.allGroups') : sendGroupName;
  const title = digest ? t(L, 'stats.weekly', { scope }) : t(L, 'stats.title', { scope, days: f.days });
  const first = f.daily[0]?.day ?? f.from.slice(0, 10);
  const last = f.daily[f.daily.length - 1]?.day ?? f.to.slice(0, 10);
  const subtitle = `${first} – ${last} (${f.timeZone})`;
  const elements: Element[] = [
    ...fields([
      [t(L, 'stats.alerts'), String(f.alerts)],
      [t(L, 'stats.flapping'), String(f.flappingAlerts)],
      [t(L, 'stats.mtta'), t(L, 'stats.acknowledged', { time: seconds(f.mttaSeconds), count: f.acknowledged })],
      [t(L, 'stats.mttr'), t(L, 'stats.resolved', { time: seconds(f.mttrSeconds), count: f.resolved })],
      [t(L, 'stats.pages'), String(f.pages)],
      [t(L, 'stats.afterHours'), String(f.afterHoursPages)],
    ]),
    columnChart(t(L, 'stats.perDay'), f.daily.map((d) => ({ day: d.day.slice(5), alerts: d.alerts })), 'day', 'alerts'),
  ];
  if (f.noisiestRules.length) {
    // Two rules may share a name; the id keeps their bars apart.
    const values = f.noisiestRules.map((r) => ({ rule: clip(r.ruleId === null ? r.name : `#${r.ruleId} ${r.name}`, 40), alerts: r.alerts }));
    elements.push(barChart(t(L, 'stats.noisiest'), values, 'rule', 'alerts'));
  }
  const afterHours = f.people.filter((p) => p.afterHours > 0).slice(0, PEOPLE_LISTED);
  if (afterHours.length) {
    const lines = afterHours.map((p) => t(L, 'stats.ofPages', { name: escLine(clip(p.name, 60)), afterHours: p.afterHours, pages: p.pages }));
    elements.push(md([t(L, 'stats.afterHoursPerPerson'), ...lines].join('\n')));
  }
  if (f.flapping.length) {
    const lines = f.flapping.map((a) => `${escLine(clip(a.alertname, 80))} · ${t(L, 'stats.episodes', { count: a.episodes })} · ${escLine(a.fingerprint.slice(0, 16))}`);
    const more = f.flappingAlerts - f.flapping.length;
    if (more > 0) lines.push(t(L, 'stats.more', { count: more }));
    elements.push(md([t(L, 'stats.flappingTitle'), ...lines].join('\n')));
  }
  const { startHour, endHour } = WORKING_HOURS;
  elements.push(
    note(
      [
        t(L, 'stats.defMtt'),
        t(L, 'stats.defAfterHours', { start: `${pad(startHour)}:00`, end: `${pad(endHour)}:00` }),
        t(L, 'stats.defFlapping', { count: flapEpisodes }),
        t(L, digest ? 'stats.digestHint' : 'stats.alsoHint'),
      ].join('\n'),
    ),
  );
  const template = f.flappingAlerts > 0 || f.afterHoursPages > 0 ? 'orange' : 'blue';
  return card(header(template, title, subtitle), elements, t(L, 'stats.summary', { title, count: f.alerts }));
}
