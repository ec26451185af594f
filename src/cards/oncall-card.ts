import { card, escLine, header, hr, md, nameOf, note, type Card, type Element, type Person } from './card';
import { formatWhen, t, type Locale } from '../i18n';

export interface OncallGroupView {
  name: string;
  current: Person | null;
  next?: Person | null;
  nextHandoffAt?: Date | null;
  /** The group's zone, which its times are shown in (else the card's). */
  timezone?: string;
}
/** `timezone`: for groups without their own (settings.timezone). */
export interface OncallCardInput { groups: OncallGroupView[]; timezone: string; locale: Locale }

// Names, not mentions: asking who is on call should not ping them.
const who = (L: Locale, p: Person | null | undefined): string => (p ? nameOf(p) : t(L, 'common.nobody'));

/** `/oncall`: who is on call now in each group, who is next and from when. */
export function oncallCard(input: OncallCardInput): Card {
  const L = input.locale;
  const elements: Element[] = [];
  for (const [i, g] of input.groups.entries()) {
    if (i > 0) elements.push(hr());
    const lines = [`**${escLine(g.name)}**`, t(L, 'oncall.now', { who: who(L, g.current) })];
    if (g.next || g.nextHandoffAt) {
      const next = who(L, g.next);
      const zone = g.timezone ?? input.timezone;
      lines.push(g.nextHandoffAt ? t(L, 'oncall.nextFrom', { who: next, when: formatWhen(L, g.nextHandoffAt, zone) }) : t(L, 'oncall.next', { who: next }));
    }
    elements.push(md(lines.join('\n')));
  }
  if (!input.groups.length) elements.push(md(t(L, 'oncall.noGroups')));
  const zones = [...new Set(input.groups.map((g) => g.timezone ?? input.timezone))];
  elements.push(note(zones.length > 1 ? t(L, 'shifts.eachZone') : t(L, 'common.timesIn', { zone: escLine(zones[0] ?? input.timezone) })));
  const only = input.groups.length === 1 ? input.groups[0] : undefined;
  return card(header('turquoise', only ? t(L, 'oncall.titleOf', { group: only.name }) : t(L, 'oncall.title')), elements);
}
