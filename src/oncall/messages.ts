/**
 * The on-call texts people read outside cards and chat replies: calendar feed names and
 * event titles, in the bot's language (the calendar app shows them as they are).
 */
import { t, type Locale } from '../i18n';

export function calendarName(L: Locale, kind: 'group' | 'user', subject: string): { name: string; description: string } {
  return kind === 'group'
    ? { name: t(L, 'feed.groupName', { subject }), description: t(L, 'feed.groupDescription', { subject }) }
    : { name: t(L, 'feed.userName', { subject }), description: t(L, 'feed.userDescription', { subject }) };
}

export function calendarEvent(L: Locale, kind: 'group' | 'user', group: string, person: string, swapped: boolean): { summary: string; description: string } {
  const note = swapped ? t(L, 'feed.swapped') : '';
  return kind === 'group'
    ? { summary: t(L, 'feed.groupEvent', { person }), description: t(L, 'feed.groupEventDescription', { person, group, note }) }
    : { summary: t(L, 'feed.userEvent', { group }), description: t(L, 'feed.userEventDescription', { group, note }) };
}
