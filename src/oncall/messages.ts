/**
 * The on-call texts people read outside cards and chat replies: calendar feed names and
 * event titles. Kept here so the message catalogue can take them over in one place.
 */

export function calendarName(kind: 'group' | 'user', subject: string): { name: string; description: string } {
  return kind === 'group'
    ? { name: `On call: ${subject}`, description: `Who is on call in ${subject}, from promduty` }
    : { name: `My on-call shifts (${subject})`, description: `${subject}'s on-call shifts in every group, from promduty` };
}

export function calendarEvent(kind: 'group' | 'user', group: string, person: string, swapped: boolean): { summary: string; description: string } {
  const note = swapped ? ' (includes a swapped day)' : '';
  return kind === 'group'
    ? { summary: `On call: ${person}`, description: `${person} is on call in ${group}${note}.` }
    : { summary: `On call: ${group}`, description: `You are on call in ${group}${note}.` };
}
