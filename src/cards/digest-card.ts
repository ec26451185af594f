import { button, card, escLine, fitCount, header, note, type Card, type Element, type Template } from './card';
import { byUrgency, eventList, severityStyle, type EventRowView } from './alert-parts';

export interface DigestCardInput {
  sendGroupName: string;
  alerts: EventRowView[];
  timezone: string;
  now: Date;
  /** false for custom webhook bots: no Claim buttons, commands instead. */
  withButtons: boolean;
}

// Rows with a Claim button cost five elements each; Feishu allows 200 per card.
const ROWS_WITH_BUTTONS = 15;

/**
 * An alert storm folded into one card for one chat: every alert listed with its id (and a
 * Claim button for the first ones), cut to Feishu's size limit with a pointer to /alerts.
 */
export function digestCard(input: DigestCardInput): Card {
  const alerts = [...input.alerts].sort(byUrgency);
  const firing = alerts.filter((a) => a.status === 'firing');
  const worst = firing[0];
  const template: Template = worst ? severityStyle(worst.severity).template : 'green';
  const title = `${firing.length} firing, ${alerts.length - firing.length} resolved`;
  const head = header(template, title, `Alert digest · ${input.sendGroupName}`);
  const intro = note(`${alerts.length} alerts arrived together in **${escLine(input.sendGroupName)}** and were folded into this card.`);
  const howTo = note(
    input.withButtons
      ? 'Claim any alert with `/claim ID`, silence it with `/silence ID 1h`; `/alerts` lists them all with buttons.'
      : 'Buttons need the promduty app bot: send `/claim ID` or `/silence ID 1h` to it; `/alerts` lists them all.',
  );
  const controls = (a: EventRowView): Element[] =>
    input.withButtons && a.status === 'firing' && !a.claimedBy ? [button('Claim', { a: 'claim', e: a.id }, { type: 'primary' })] : [];
  const build = (n: number): Card => {
    const more = alerts.length - n;
    const rows = eventList(alerts.slice(0, n), { timezone: input.timezone, now: input.now, controls, maxWithControls: ROWS_WITH_BUTTONS });
    const tail = more > 0 ? [note(`… and ${more} more: /alerts`)] : [];
    return card(head, [intro, ...rows, ...tail, howTo], `[DIGEST] ${title} · ${input.sendGroupName}`);
  };
  return fitCount(alerts.length, build);
}
