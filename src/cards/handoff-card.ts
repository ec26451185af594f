import { card, escLine, header, md, mention, nameOf, note, type Card, type Person } from './card';
import { formatWhen, t, type Locale } from '../i18n';

export interface HandoffCardInput {
  groupName: string;
  current: Person;
  /** Who was on call before the handoff (null: nobody; the same person: their shift goes on). */
  previous?: Person | null;
  next?: Person | null;
  nextHandoffAt?: Date | null;
  timezone: string;
  locale: Locale;
}

const samePerson = (a: Person, b: Person): boolean => (a.openId && b.openId ? a.openId === b.openId : a.name === b.name);

/** Posted in the group chat at handoff time; mentions the incoming and the outgoing person. */
export function handoffCard(input: HandoffCardInput): Card {
  const L = input.locale;
  const continues = input.previous ? samePerson(input.previous, input.current) : false;
  const lines = [`${t(L, 'handoff.now', { who: mention(input.current) })}${continues ? t(L, 'handoff.continues') : ''}`];
  if (input.previous && !continues) lines.push(t(L, 'handoff.by', { who: mention(input.previous) }));
  if (input.next || input.nextHandoffAt) {
    const who = input.next ? nameOf(input.next) : t(L, 'common.nobody');
    lines.push(input.nextHandoffAt ? t(L, 'handoff.nextFrom', { who, when: formatWhen(L, input.nextHandoffAt, input.timezone) }) : t(L, 'handoff.next', { who }));
  }
  return card(
    header('turquoise', t(L, 'handoff.title', { group: input.groupName })),
    [md(lines.join('\n')), note(t(L, 'common.timesIn', { zone: escLine(input.timezone) }))],
    t(L, 'handoff.summary', { name: input.current.name, group: input.groupName }),
  );
}
