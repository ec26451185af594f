import { eventIdsCommand } from '../batch';

export const unsilenceCommand = eventIdsCommand({
  name: 'unsilence',
  aliases: ['取消屏蔽'],
  title: 'reply.unsilenced',
  act: (d, id, actor) => d.events.unsilence(id, actor),
});
