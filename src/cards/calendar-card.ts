import { card, escLine, header, md, mdLink, note, type Card } from './card';
import { t, type Locale } from '../i18n';

export interface CalendarLinkInput {
  kind: 'group' | 'user';
  /** The group's name, or the person's. */
  subject: string;
  url: string;
  /** The link was just made anew: the old one no longer works. */
  rotated?: boolean;
  locale: Locale;
}

/** The private answer to `/oncall calendar`: the feed's secret URL and how to subscribe to it. */
export function calendarLinkCard(input: CalendarLinkInput): Card {
  const L = input.locale;
  const what = input.kind === 'group' ? t(L, 'calendar.groupWhat', { group: escLine(input.subject) }) : t(L, 'calendar.userWhat');
  const lines = [t(L, 'calendar.subscribe', { what }), mdLink(input.url, input.url) ?? escLine(input.url), t(L, 'calendar.apps')];
  if (input.rotated) lines.unshift(t(L, 'calendar.rotated'));
  const rotate = input.kind === 'group' ? t(L, 'calendar.rotateGroup', { group: input.subject }) : t(L, 'calendar.rotateUser');
  const title = input.kind === 'group' ? t(L, 'calendar.titleGroup', { group: input.subject }) : t(L, 'calendar.titleUser');
  return card(header('turquoise', title), [md(lines.join('\n\n')), note(t(L, 'calendar.keepSecret', { rotate: escLine(rotate) }))]);
}
