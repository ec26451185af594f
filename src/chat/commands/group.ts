import { escLine } from '../../cards/card';
import { parseSilenceLength } from '../../events/silence-duration';
import { sayText, t } from '../../i18n';
import { requireRole, textReply, usageError } from '../replies';
import { isPlainGroupVerb, PLAIN_GROUP_VERBS, runPlainGroupVerb } from '../group-verbs';
import { actorOf, type ChatRequest, type ChatDeps, type Command, type Reply } from '../types';

const VERBS = [...PLAIN_GROUP_VERBS, 'note', 'responder', 'silence'] as const;
type Verb = (typeof VERBS)[number];
const isVerb = (s: string): s is Verb => (VERBS as readonly string[]).includes(s);

async function act(verb: Verb, id: number, rest: string[], req: ChatRequest, d: ChatDeps) {
  const actor = actorOf(req.user);
  if (isPlainGroupVerb(verb)) return runPlainGroupVerb(d, verb, id, actor);
  switch (verb) {
    case 'note':
      if (!rest.length) throw usageError('group.noteNeeded');
      return d.groups.note(id, rest.join(' '), actor);
    case 'responder': {
      const who = rest[0] ? req.mentions.get(rest[0]) : undefined;
      if (!who?.openId) throw usageError('group.responderNeeded');
      return d.groups.addResponder(id, who.openId, actor);
    }
    case 'silence': {
      // `until 09:00` is two words; a duration one. What follows is the reason.
      const until = rest[0]?.toLowerCase() === 'until';
      const length = until ? rest.slice(0, 2).join(' ') : (rest[0] ?? '');
      const ms = parseSilenceLength(length, d.clock.now(), d.timezone);
      if (!ms) throw usageError('group.durationNeeded');
      return d.groups.silence(id, ms, rest.slice(until ? 2 : 1).join(' '), actor);
    }
  }
}

/** `/group 12`: the alert group's card; `/group 12 ack` and the rest act on the whole group. */
export const groupCommand: Command = {
  name: 'group',
  aliases: ['告警组'],
  usage: 'cmd.group.usage',
  description: 'cmd.group.description',
  minRole: 'viewer',
  run: async (req, d): Promise<Reply> => {
    const [idText, verb, ...rest] = req.args;
    const id = idText && /^\d{1,9}$/.test(idText) ? Number(idText) : null;
    const usage = t(d.locale, 'cmd.group.usage');
    if (!id) throw usageError('group.needId', { usage });
    if (verb === undefined) {
      const card = await d.eventCards.groupCardOf(id);
      if (!card) throw usageError('group.noSuchGroup', { id });
      return { card };
    }
    const v = verb.toLowerCase();
    if (!isVerb(v)) throw usageError('group.unknownAction', { verb, usage });
    requireRole(req.user, 'editor', t(d.locale, 'group.acting'));
    const r = await act(v, id, rest, req, d);
    return textReply(t(d.locale, `group.title.${v}`), escLine(sayText(d.locale, r.say)), 'turquoise');
  },
};
