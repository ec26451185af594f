import { eachId } from '../batch';
import { parseIds } from '../parse';
import { usageError } from '../replies';
import { actorOf, type Command } from '../types';

const usage = '/claim <event id…>';

export const claimCommand: Command = {
  name: 'claim',
  usage,
  description: 'Take alert events: escalation stops and the group sees who has them.',
  minRole: 'editor',
  run: async (req, d) => {
    const ids = parseIds(req.args);
    if (!ids) throw usageError('give one or more event ids, e.g. /claim 42 43');
    return eachId(ids, 'Claimed', (id) => d.events.claim(id, actorOf(req.user)), usage);
  },
};
