import { eventIdsCommand } from '../batch';

export const claimCommand = eventIdsCommand({
  name: 'claim',
  title: 'Claimed',
  description: 'Take alert events: escalation stops and the group sees who has them.',
  act: (d, id, actor) => d.events.claim(id, actor),
});
