import { SILENCE_DURATIONS } from './actions';
import { actionButtons, type ActionButtonView } from './action-buttons';
import { card, escLine, fitCount, header, hr, md, row, type Card, type Element } from './card';
import { clip } from '../core/text';
import { t } from '../i18n';
import { alertControls, alertFacts, alertLinks, alertTemplate, stateLabel, stateTags, type FactsInput } from './alert-parts';

export type { AlertEventView } from './alert-parts';

export interface AlertCardInput extends FactsInput {
  /** false for custom webhook bots, whose cards cannot call back: a link and commands instead. */
  withButtons: boolean;
  /** The event in promduty, linked from the card. */
  eventUrl?: string | null;
  /** Remediation actions offered as buttons (editors run them, after a confirmation). */
  actions?: readonly ActionButtonView[];
}

// Enough labels to identify any real series; the byte budget may cut further.
const MAX_LABELS = 60;
const MAX_LABEL_VALUE = 200;

/** The alert card posted to the send group's chat and privately to the on-call person. */
export function alertCard(input: AlertCardInput): Card {
  const { event: e, now, locale: L } = input;
  const head = header(
    alertTemplate(e, now),
    e.alertname,
    e.claimedBy && e.status === 'firing' ? t(L, 'alert.subtitleClaimed', { id: e.id, name: e.claimedBy.name }) : `#${e.id} · ${e.target || input.sendGroupName}`,
    stateTags(e, now, L),
  );
  const summary = `[${t(L, `alert.state.${stateLabel(e, now)}`)}] ${e.alertname}${e.target ? ` · ${e.target}` : ''}`;
  const facts = alertFacts(input);
  const controls = input.withButtons ? [...alertControls(e, now, { silence: SILENCE_DURATIONS, alertname: true, locale: L }), ...actionButtons(e.id, input.actions ?? [], L)] : [];
  const tail: Element[] = [alertLinks(e, { eventUrl: input.eventUrl, withButtons: input.withButtons, timezone: input.timezone, locale: L })];
  if (controls.length) tail.push(hr(), row(controls));

  const names = Object.keys(e.labels).filter((k) => k !== 'alertname').sort();
  const lines = names.slice(0, MAX_LABELS).map((k) => `${escLine(clip(k, 100))}: ${escLine(clip(e.labels[k] ?? '', MAX_LABEL_VALUE))}`);
  const labels = (n: number): Element[] => {
    if (!names.length) return [];
    const more = names.length - n;
    const body = [t(L, 'alert.labels'), ...lines.slice(0, n), ...(more > 0 ? [t(L, 'alert.moreLabels', { count: more })] : [])];
    return [md(body.join('\n'), 'notation')];
  };
  return fitCount(lines.length, (n) => card(head, [...facts, ...labels(n), ...tail], summary));
}
