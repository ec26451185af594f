import { eventIdsCommand } from '../batch';

/** `/ack`: today's claim under its incident-response name. */
export const ackCommand = eventIdsCommand({
  name: 'ack',
  title: 'Acknowledged',
  description: 'Acknowledge alert events (same as /claim): escalation stops and the group sees who has them.',
  act: (d, id, actor) => d.events.claim(id, actor),
});

export const unackCommand = eventIdsCommand({
  name: 'unack',
  title: 'Unacknowledged',
  description: 'Remove the acknowledgement of alert events.',
  act: (d, id, actor) => d.events.unclaim(id, actor),
});
