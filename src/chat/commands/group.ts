import { escLine } from '../../cards/card';
import { parseSilenceLength } from '../../events/silence-duration';
import { requireRole, textReply, usageError } from '../replies';
import { actorOf, type ChatRequest, type ChatDeps, type Command, type Reply } from '../types';

const usage = '/group <id> [ack|unack|take|resolve|escalate|note <text>|responder @person|silence <90m|2d|until 09:00> [reason]]';

/** What each action is called in the reply (to move into the i18n catalogue). */
const TITLE = {
  ack: 'Acknowledged', unack: 'Unacknowledged', take: 'Taken over', resolve: 'Resolved', escalate: 'Escalated', note: 'Noted', responder: 'Responder added', silence: 'Silenced',
} as const;
type Verb = keyof typeof TITLE;
const isVerb = (s: string): s is Verb => s in TITLE;

async function act(verb: Verb, id: number, rest: string[], req: ChatRequest, d: ChatDeps) {
  const actor = actorOf(req.user);
  switch (verb) {
    case 'ack':
      return d.groups.acknowledge(id, actor);
    case 'unack':
      return d.groups.unacknowledge(id, actor);
    case 'take':
      return d.groups.takeOver(id, actor);
    case 'resolve':
      return d.groups.resolve(id, actor);
    case 'escalate':
      return d.groups.escalateNow(id, actor);
    case 'note':
      if (!rest.length) throw usageError('write the note after "note"');
      return d.groups.note(id, rest.join(' '), actor);
    case 'responder': {
      const who = rest[0] ? req.mentions.get(rest[0]) : undefined;
      if (!who?.openId) throw usageError('@-mention the person to add, e.g. /group 12 responder @Carol');
      return d.groups.addResponder(id, who.openId, actor);
    }
    case 'silence': {
      // `until 09:00` is two words; a duration one. What follows is the reason.
      const until = rest[0]?.toLowerCase() === 'until';
      const length = until ? rest.slice(0, 2).join(' ') : (rest[0] ?? '');
      const ms = parseSilenceLength(length, d.clock.now(), d.timezone);
      if (!ms) throw usageError('give a duration such as 90m or 2d, or until 09:00 (at most 30 days)');
      return d.groups.silence(id, ms, rest.slice(until ? 2 : 1).join(' '), actor);
    }
  }
}

/** `/group 12`: the alert group's card; `/group 12 ack` and the rest act on the whole group. */
export const groupCommand: Command = {
  name: 'group',
  usage,
  description: 'An alert group (incident): its card, or act on it: ack, unack, take, resolve, escalate, note, responder, silence.',
  minRole: 'viewer',
  run: async (req, d): Promise<Reply> => {
    const [idText, verb, ...rest] = req.args;
    const id = idText && /^\d{1,9}$/.test(idText) ? Number(idText) : null;
    if (!id) throw usageError(`give the group's id, e.g. ${usage}`);
    if (verb === undefined) {
      const card = await d.eventCards.groupCardOf(id);
      if (!card) throw usageError(`there is no alert group #${id}`);
      return { card };
    }
    const v = verb.toLowerCase();
    if (!isVerb(v)) throw usageError(`unknown action "${verb}"; ${usage}`);
    requireRole(req.user, 'editor', 'Acting on an alert group');
    const r = await act(v, id, rest, req, d);
    return textReply(TITLE[v], escLine(r.message), 'turquoise');
  },
};
