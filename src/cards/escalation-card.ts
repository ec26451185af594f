import { card, header, hr, md, row, type Card, type Element } from './card';
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
  const { event: e, now } = input;
  const controls = alertControls(e, now, { silence: [], alertname: false });
  const elements: Element[] = [
    md(`**Escalated to you** (level ${input.level}): nobody claimed this alert in ${input.unclaimedMinutes} minutes.`),
    ...alertFacts(input),
    alertLinks(e, { eventUrl: input.eventUrl, withButtons: true, timezone: input.timezone }),
  ];
  if (controls.length) elements.push(hr(), row(controls));
  return card(
    header('carmine', `Escalated: ${e.alertname}`, `#${e.id} · level ${input.level} · ${input.sendGroupName}`),
    elements,
    `[ESCALATED] ${e.alertname}`,
  );
}
