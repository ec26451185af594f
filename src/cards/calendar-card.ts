import { card, escLine, header, md, mdLink, note, type Card } from './card';

export interface CalendarLinkInput {
  kind: 'group' | 'user';
  /** The group's name, or the person's. */
  subject: string;
  url: string;
  /** The link was just made anew: the old one no longer works. */
  rotated?: boolean;
}

/** The private answer to `/oncall calendar`: the feed's secret URL and how to subscribe to it. */
export function calendarLinkCard(input: CalendarLinkInput): Card {
  const what = input.kind === 'group' ? `everyone's shifts in **${escLine(input.subject)}**` : 'your shifts in every on-call group';
  const lines = [
    `Subscribe to this address in your calendar app to see ${what}, swaps included:`,
    mdLink(input.url, input.url) ?? escLine(input.url),
    'Google Calendar: Other calendars → From URL · Outlook: Add calendar → Subscribe from web · Apple Calendar: File → New Calendar Subscription.',
  ];
  if (input.rotated) lines.unshift('**New link made:** the previous one no longer works; update your subscription.');
  const rotate = input.kind === 'group' ? `/oncall calendar ${input.subject} rotate (admins)` : '/oncall calendar rotate';
  return card(header('turquoise', input.kind === 'group' ? `Calendar: ${input.subject}` : 'Your on-call calendar'), [
    md(lines.join('\n\n')),
    note(`Keep the link to yourself: whoever has it sees the shifts. ${escLine(rotate)} makes a new one and stops the old.`),
  ]);
}
