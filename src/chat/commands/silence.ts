import { escLine } from '../../cards/card';
import { sayText, t } from '../../i18n';
import { formatDuration } from '../../core/text';
import { parseDuration } from '../../core/names';
import { MAX_SILENCE_MS } from '../../events/actions';
import { eachId } from '../batch';
import { parseIds } from '../parse';
import { textReply, usageError } from '../replies';
import { actorOf, type Command } from '../types';

export const silenceCommand: Command = {
  name: 'silence',
  aliases: ['屏蔽'],
  usage: 'cmd.silence.usage',
  description: 'cmd.silence.description',
  minRole: 'editor',
  run: async (req, d) => {
    const last = req.args.at(-1);
    const targets = req.args.slice(0, -1);
    const ms = last === undefined ? null : parseDuration(last);
    if (!targets.length || !ms) throw usageError('reply.silenceArgs');
    if (ms > MAX_SILENCE_MS) throw usageError('reply.silenceTooLong', { max: formatDuration(MAX_SILENCE_MS) });
    const actor = actorOf(req.user);
    const byName = /^alertname=(.+)$/.exec(targets[0]!);
    if (byName) {
      if (targets.length > 1) throw usageError('reply.silenceOneName');
      const r = await d.events.silenceAlertname(byName[1]!, ms, actor);
      return textReply(t(d.locale, 'reply.silenced'), escLine(sayText(d.locale, r.say)), 'grey');
    }
    const ids = parseIds(targets);
    if (!ids) throw usageError('reply.silenceIds');
    return eachId(d.locale, ids, t(d.locale, 'reply.silenced'), (id) => d.events.silence(id, ms, actor), t(d.locale, 'cmd.silence.usage'));
  },
};
