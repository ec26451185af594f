import { eventIdsCommand } from '../batch';

export const claimCommand = eventIdsCommand({
  name: 'claim',
  aliases: ['认领'],
  title: 'reply.claimed',
  act: (d, id, actor) => d.events.claim(id, actor),
});
