import { eventIdsCommand } from '../batch';

export const unsilenceCommand = eventIdsCommand({
  name: 'unsilence',
  title: 'Unsilenced',
  description: 'Remove the silence of alert events (expires it in Alertmanager).',
  act: (d, id, actor) => d.events.unsilence(id, actor),
});
