import { card, fitCount, header, note, type Card, type Template } from './card';
import { t, type Locale } from '../i18n';
import { alertControls, byUrgency, eventList, severityStyle, type AlertEventView } from './alert-parts';

export interface AlertsListCardInput {
  events: AlertEventView[];
  timezone: string;
  now: Date;
  /** All matching events, when the caller passed only a page of them. */
  total?: number;
  title?: string;
  locale: Locale;
}

// An event with its buttons costs up to eleven elements; Feishu allows 200 per card.
const EVENTS_WITH_BUTTONS = 10;

/** `/alerts`: active events, most urgent first, each with Claim / Silence 1h / Unsilence. */
export function alertsListCard(input: AlertsListCardInput): Card {
  const events = [...input.events].sort(byUrgency);
  const total = Math.max(input.total ?? 0, events.length);
  const firing = events.find((e) => e.status === 'firing');
  const template: Template = firing ? severityStyle(firing.severity).template : 'green';
  const L = input.locale;
  const head = header(template, input.title ? `${input.title} (${total})` : t(L, 'alerts.title', { count: total }));
  if (!events.length) return card(head, [note(t(L, 'alerts.nothing'))]);
  const controls = (e: AlertEventView) => alertControls(e, input.now, { silence: ['1h'], alertname: false, locale: L });
  const build = (n: number): Card => {
    const rows = eventList(events.slice(0, n), { timezone: input.timezone, now: input.now, locale: L, controls, maxWithControls: EVENTS_WITH_BUTTONS });
    const more = total - n;
    const tail = more > 0 ? [note(t(L, 'alerts.more', { count: more }))] : [];
    return card(head, [...rows, ...tail]);
  };
  return fitCount(events.length, build);
}
