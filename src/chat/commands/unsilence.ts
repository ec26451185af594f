import { eachId } from '../batch';
import { parseIds } from '../parse';
import { usageError } from '../replies';
import { actorOf, type Command } from '../types';

const usage = '/unsilence <event id…>';

export const unsilenceCommand: Command = {
  name: 'unsilence',
  usage,
  description: 'Remove the silence of alert events (expires it in Alertmanager).',
  minRole: 'editor',
  run: async (req, d) => {
    const ids = parseIds(req.args);
    if (!ids) throw usageError('give one or more event ids, e.g. /unsilence 42 43');
    return eachId(ids, 'Unsilenced', (id) => d.events.unsilence(id, actorOf(req.user)), usage);
  },
};
