import { escLine } from '../../cards/card';
import type { ActionResult } from '../events/actions';
import { errorReply, textReply } from './replies';
import type { Reply } from './types';

/**
 * Runs an action on each id in turn. One id answers like any command (its error card on
 * failure); several answer with one card listing what happened to each, so one bad id does
 * not hide the others.
 */
export async function eachId(ids: number[], title: string, act: (id: number) => Promise<ActionResult>, usage: string): Promise<Reply> {
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
