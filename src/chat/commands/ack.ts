import { eventIdsCommand } from '../batch';

/** `/ack`: today's claim under its incident-response name. */
export const ackCommand = eventIdsCommand({
  name: 'ack',
  aliases: ['确认'],
  title: 'reply.acknowledged',
  act: (d, id, actor) => d.events.claim(id, actor),
});

export const unackCommand = eventIdsCommand({
  name: 'unack',
  aliases: ['撤销确认'],
  title: 'reply.unacknowledged',
  act: (d, id, actor) => d.events.unclaim(id, actor),
});
