import { card, header, hr, md, row, type Card, type Element } from './card';
import { t } from '../i18n';
import { alertControls, alertFacts, alertLinks, type FactsInput } from './alert-parts';

export interface EscalationCardInput extends FactsInput {
  /** 1 for the first escalation. */
  level: number;
  /** How long the alert went unclaimed before this escalation. */
  unclaimedMinutes: number;
  eventUrl?: string | null;
}

/** The private card sent to escalation users: the alert, why it reached them, and Claim. */
export function escalationCard(input: EscalationCardInput): Card {
  const { event: e, now, locale: L } = input;
  const controls = alertControls(e, now, { silence: [], alertname: false, locale: L });
  const elements: Element[] = [
    md(t(L, 'escalation.intro', { level: input.level, minutes: input.unclaimedMinutes })),
    ...alertFacts(input),
    alertLinks(e, { eventUrl: input.eventUrl, withButtons: true, timezone: input.timezone, locale: L }),
  ];
  if (controls.length) elements.push(hr(), row(controls));
  return card(
    header('carmine', t(L, 'escalation.title', { alertname: e.alertname }), t(L, 'escalation.subtitle', { id: e.id, level: input.level, group: input.sendGroupName })),
    elements,
    t(L, 'escalation.summary', { alertname: e.alertname }),
  );
}
