import { clip, formatDuration } from '../core/text';
import { WORKING_HOURS } from '../stats/local-days';
import type { StatsFigures } from '../stats/figures';
import { card, escLine, fields, header, md, note, type Card, type Element } from './card';
import { barChart, columnChart } from './chart';

export interface StatsCardInput {
  /** The send group's name; null: every send group. */
  sendGroupName: string | null;
  figures: StatsFigures;
  /** The weekly digest posted to a send group's chat, rather than an answer to /stats. */
  digest?: boolean;
  /** Alerts at least this many episodes make an alert flapping (FLAP_EPISODES). */
  flapEpisodes: number;
}

const PEOPLE_LISTED = 10;

const seconds = (s: number | null): string => (s === null ? '—' : formatDuration(s * 1000) || '0s');
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `/stats` and the weekly digest: the headline figures, two charts (alerts per day, the
 * noisiest rules), after-hours pages per person and the flapping alerts, with what each word
 * means underneath.
 */
export function statsCard({ sendGroupName, figures: f, digest, flapEpisodes }: StatsCardInput): Card {
  const scope = sendGroupName === null ? 'all send groups' : sendGroupName;
  const title = digest ? `Weekly digest: ${scope}` : `Stats: ${scope}, last ${f.days} days`;
  const first = f.daily[0]?.day ?? f.from.slice(0, 10);
  const last = f.daily[f.daily.length - 1]?.day ?? f.to.slice(0, 10);
  const subtitle = `${first} – ${last} (${f.timeZone})`;
  const elements: Element[] = [
    ...fields([
      ['Alerts', String(f.alerts)],
      ['Flapping alerts', String(f.flappingAlerts)],
      ['MTTA (to acknowledge)', `${seconds(f.mttaSeconds)} · ${f.acknowledged} acknowledged`],
      ['MTTR (to resolve)', `${seconds(f.mttrSeconds)} · ${f.resolved} resolved`],
      ['Pages to people', String(f.pages)],
      ['After-hours pages', String(f.afterHoursPages)],
    ]),
    columnChart('Alerts per day', f.daily.map((d) => ({ day: d.day.slice(5), alerts: d.alerts })), 'day', 'alerts'),
  ];
  if (f.noisiestRules.length) {
    // Two rules may share a name; the id keeps their bars apart.
    const values = f.noisiestRules.map((r) => ({ rule: clip(r.ruleId === null ? r.name : `#${r.ruleId} ${r.name}`, 40), alerts: r.alerts }));
    elements.push(barChart('Noisiest rules', values, 'rule', 'alerts'));
  }
  const afterHours = f.people.filter((p) => p.afterHours > 0).slice(0, PEOPLE_LISTED);
  if (afterHours.length) {
    const lines = afterHours.map((p) => `${escLine(clip(p.name, 60))}: ${p.afterHours} of ${p.pages}`);
    elements.push(md(['**After-hours pages per person**', ...lines].join('\n')));
  }
  if (f.flapping.length) {
    const lines = f.flapping.map((a) => `${escLine(clip(a.alertname, 80))} · ${a.episodes} episodes · ${escLine(a.fingerprint.slice(0, 16))}`);
    const more = f.flappingAlerts - f.flapping.length;
    if (more > 0) lines.push(`… and ${more} more`);
    elements.push(md(['**Flapping alerts**', ...lines].join('\n')));
  }
  const { startHour, endHour } = WORKING_HOURS;
  elements.push(
    note(
      [
        'MTTA: from firing to the first claim. MTTR: from firing to resolved.',
        `After hours: outside ${pad(startHour)}:00–${pad(endHour)}:00 Monday to Friday, and weekends, in the on-call group's time zone.`,
        `Flapping: one alert firing ${flapEpisodes} or more times in the period.`,
        digest ? 'Send /stats for the last 7 or 30 days at any time.' : 'Also: /stats <send group> 30.',
      ].join('\n'),
    ),
  );
  const template = f.flappingAlerts > 0 || f.afterHoursPages > 0 ? 'orange' : 'blue';
  return card(header(template, title, subtitle), elements, `${title}: ${f.alerts} alerts`);
}
