import { escLine } from '../cards/card';
import { describeError, sayText, t, type Locale } from '../i18n';
import type { ActionResult } from '../events/actions';
import type { Actor } from '../db/audit';
import { parseIds } from './parse';
import { errorReply, textReply, usageError } from './replies';
import { actorOf, type ChatDeps, type Command, type Reply } from './types';

/** Event ids one command acts on: each is a call to the database (and for silences to Alertmanager), one line of the card. */
export const MAX_IDS = 50;

/**
 * Runs an action on each id in turn. One id answers like any command (its error card on
 * failure); several answer with one card listing what happened to each, so one bad id does
 * not hide the others.
 */
export async function eachId(
  locale: Locale,
  ids: number[],
  title: string,
  act: (id: number) => Promise<ActionResult>,
  usage: string,
): Promise<Reply> {
  if (ids.length > MAX_IDS) throw usageError('reply.tooManyIds', { count: ids.length, max: MAX_IDS });
  const said = (r: ActionResult): string => escLine(sayText(locale, r.say));
  if (ids.length === 1) {
    try {
      return textReply(title, said(await act(ids[0]!)), 'turquoise');
    } catch (e) {
      return errorReply(e, locale, usage);
    }
  }
  const lines: string[] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      lines.push(`✅ ${said(await act(id))}`);
    } catch (e) {
      failed++;
      lines.push(`❌ #${id}: ${escLine(describeError(locale, e).message)}`);
    }
  }
  return textReply(t(locale, 'reply.batchTitle', { title, done: ids.length - failed, total: ids.length }), lines.join('\n'), failed ? 'orange' : 'turquoise');
}

/** A command that does one event action to each event id it is given (/claim, /unsilence). */
export function eventIdsCommand(o: {
  name: 'claim' | 'unsilence' | 'ack' | 'unack';
  aliases: string[];
  /** What the reply is titled: `Claimed`. */
  title: 'reply.claimed' | 'reply.unsilenced' | 'reply.acknowledged' | 'reply.unacknowledged';
  act: (d: ChatDeps, id: number, actor: Actor) => Promise<ActionResult>;
}): Command {
  const usage = `cmd.${o.name}.usage` as const;
  return {
    name: o.name,
    aliases: o.aliases,
    usage,
    description: `cmd.${o.name}.description`,
    minRole: 'editor',
    run: async (req, d) => {
      const ids = parseIds(req.args);
      if (!ids) throw usageError('reply.idsNeeded', { command: req.command });
      return eachId(d.locale, ids, t(d.locale, o.title), (id) => o.act(d, id, actorOf(req.user)), t(d.locale, usage));
    },
  };
}
