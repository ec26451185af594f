import { escLine } from '../../cards/card';
import { textCard } from '../../cards/text-card';
import { isPermanentSendFailure } from '../../core/ports';
import type { EventChange } from '../../events/actions';
import { sayText, t } from '../../i18n';
import { EVENT_NOTICE } from '../chat-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/**
 * Tells the send group's chat who claimed, silenced or unsilenced: as a reply under the
 * event's card when the group has one, else as a small card in the chat.
 */
export const eventNoticeProcessor: Processor<Pick<WorkerContext, 'db' | 'cardSender' | 'logger' | 'settings'>, EventChange> = {
  queue: 'actions',
  name: EVENT_NOTICE,
  handle: async (job, ctx) => {
    const change = job.data;
    const group = await ctx.db('send_groups').where({ id: change.sendGroupId }).first('feishu_chat_id');
    if (!group?.feishu_chat_id) return 'no chat';
    const card = await ctx
      .db('alert_event_messages')
      .where({ event_id: change.eventIds[0], channel: 'group', receive_id: group.feishu_chat_id })
      .where('message_id', 'like', 'om\\_%')
      .first('message_id');
    const uuid = `notice-${change.key}`;
    const L = ctx.settings.locale;
    // Jobs queued before the catalogue carry only the English line.
    const text = change.say ? sayText(L, change.say) : change.text;
    try {
      if (card) await ctx.cardSender.reply(card.message_id, { text }, uuid);
      else await ctx.cardSender.sendToChat(group.feishu_chat_id, textCard({ title: t(L, `action.title.${change.kind}`), markdown: escLine(text) }), uuid);
    } catch (e) {
      if (!isPermanentSendFailure(e)) throw e;
      ctx.logger.warn({ err: e, change }, 'notice refused by Feishu; dropped');
    }
    return 'sent';
  },
};
