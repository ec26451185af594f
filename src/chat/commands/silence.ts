import { escLine } from '../../cards/card';
import { formatDuration } from '../../core/text';
import { parseDuration } from '../../core/names';
import { MAX_SILENCE_MS } from '../../events/actions';
import { eachId } from '../batch';
import { parseIds } from '../parse';
import { textReply, usageError } from '../replies';
import { actorOf, type Command } from '../types';

const usage = '/silence <event id…|alertname=NAME> <duration>';

export const silenceCommand: Command = {
  name: 'silence',
  usage,
  description: 'Silence alert events (their exact labels) or every alert of a name in Alertmanager, e.g. /silence 42 1h.',
  minRole: 'editor',
  run: async (req, d) => {
    const last = req.args.at(-1);
    const targets = req.args.slice(0, -1);
    const ms = last === undefined ? null : parseDuration(last);
    if (!targets.length || !ms) throw usageError('give what to silence, then a duration such as 30m, 4h or 2d');
    if (ms > MAX_SILENCE_MS) throw usageError(`at most ${formatDuration(MAX_SILENCE_MS)}; change the rule for anything longer`);
    const actor = actorOf(req.user);
    const byName = /^alertname=(.+)$/.exec(targets[0]!);
    if (byName) {
      if (targets.length > 1) throw usageError('silence one alertname at a time');
      const r = await d.events.silenceAlertname(byName[1]!, ms, actor);
      return textReply('Silenced', escLine(r.message), 'grey');
    }
    const ids = parseIds(targets);
    if (!ids) throw usageError('event ids are numbers, e.g. /silence 42 1h, or use alertname=NAME');
    return eachId(ids, 'Silenced', (id) => d.events.silence(id, ms, actor), usage);
  },
};
