import { escLine } from '../cards/card';
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
export async function eachId(ids: number[], title: string, act: (id: number) => Promise<ActionResult>, usage: string): Promise<Reply> {
  if (ids.length > MAX_IDS) throw usageError(`that is ${ids.length} ids; give at most ${MAX_IDS} at a time`);
  if (ids.length === 1) {
    try {
      return textReply(title, escLine((await act(ids[0]!)).message), 'turquoise');
    } catch (e) {
      return errorReply(e, usage);
    }
  }
  const lines: string[] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      lines.push(`✅ ${escLine((await act(id)).message)}`);
    } catch (e) {
      failed++;
      lines.push(`❌ #${id}: ${escLine(e instanceof Error ? e.message : String(e))}`);
    }
  }
  return textReply(`${title}: ${ids.length - failed} of ${ids.length}`, lines.join('\n'), failed ? 'orange' : 'turquoise');
}

/** A command that does one event action to each event id it is given (/claim, /unsilence). */
export function eventIdsCommand(o: {
  name: string;
  /** What the reply is titled: `Claimed`. */
  title: string;
  description: string;
  act: (d: ChatDeps, id: number, actor: Actor) => Promise<ActionResult>;
}): Command {
  const usage = `/${o.name} <event id…>`;
  return {
    name: o.name,
    usage,
    description: o.description,
    minRole: 'editor',
    run: async (req, d) => {
      const ids = parseIds(req.args);
      if (!ids) throw usageError(`give one or more event ids, e.g. /${o.name} 42 43`);
      return eachId(ids, o.title, (id) => o.act(d, id, actorOf(req.user)), usage);
    },
  };
}
