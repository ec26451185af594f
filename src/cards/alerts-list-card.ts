import { card, fitCount, header, note, type Card, type Template } from './card';
import { alertControls, byUrgency, eventList, severityStyle, type AlertEventView } from './alert-parts';

export interface AlertsListCardInput {
  events: AlertEventView[];
  timezone: string;
  now: Date;
  /** All matching events, when the caller passed only a page of them. */
  total?: number;
  title?: string;
}

// An event with its buttons costs up to eleven elements; Feishu allows 200 per card.
const EVENTS_WITH_BUTTONS = 10;

/** `/alerts`: active events, most urgent first, each with Claim / Silence 1h / Unsilence. */
export function alertsListCard(input: AlertsListCardInput): Card {
  const events = [...input.events].sort(byUrgency);
  const total = Math.max(input.total ?? 0, events.length);
  const firing = events.find((e) => e.status === 'firing');
  const template: Template = firing ? severityStyle(firing.severity).template : 'green';
  const head = header(template, `${input.title ?? 'Active alerts'} (${total})`);
  if (!events.length) return card(head, [note('Nothing is firing.')]);
  const controls = (e: AlertEventView) => alertControls(e, input.now, { silence: ['1h'], alertname: false });
  const build = (n: number): Card => {
    const rows = eventList(events.slice(0, n), { timezone: input.timezone, now: input.now, controls, maxWithControls: EVENTS_WITH_BUTTONS });
    const more = total - n;
    const tail = more > 0 ? [note(`… and ${more} more not shown; act on any of them with \`/claim ID\` or \`/silence ID 1h\`.`)] : [];
    return card(head, [...rows, ...tail]);
  };
  return fitCount(events.length, build);
}
