import { button, card, escLine, fitCount, header, note, type Card, type Element, type Template } from './card';
import { t, type Locale } from '../i18n';
import { byUrgency, eventList, severityStyle, type EventRowView } from './alert-parts';

export interface DigestCardInput {
  sendGroupName: string;
  alerts: EventRowView[];
  timezone: string;
  now: Date;
  /** false for custom webhook bots: no Claim buttons, commands instead. */
  withButtons: boolean;
  locale: Locale;
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
  const L = input.locale;
  const title = t(L, 'digest.title', { firing: firing.length, resolved: alerts.length - firing.length });
  const head = header(template, title, t(L, 'digest.subtitle', { group: input.sendGroupName }));
  const intro = note(t(L, 'digest.intro', { count: alerts.length, group: escLine(input.sendGroupName) }));
  const howTo = note(t(L, input.withButtons ? 'digest.howTo' : 'digest.howToNoButtons'));
  const controls = (a: EventRowView): Element[] =>
    input.withButtons && a.status === 'firing' && !a.claimedBy ? [button(t(L, 'alert.claim'), { a: 'claim', e: a.id }, { type: 'primary' })] : [];
  const build = (n: number): Card => {
    const more = alerts.length - n;
    const rows = eventList(alerts.slice(0, n), { timezone: input.timezone, now: input.now, locale: L, controls, maxWithControls: ROWS_WITH_BUTTONS });
    const tail = more > 0 ? [note(t(L, 'digest.more', { count: more }))] : [];
    return card(head, [intro, ...rows, ...tail, howTo], t(L, 'digest.summary', { title, group: input.sendGroupName }));
  };
  return fitCount(alerts.length, build);
}
