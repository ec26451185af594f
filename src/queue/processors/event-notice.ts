import { escLine } from '../../cards/card';
import { textCard } from '../../cards/text-card';
import { isPermanentSendFailure } from '../../core/ports';
import type { EventChange } from '../../events/actions';
import { chatCardOf } from '../../events/outbox';
import { sayText, t } from '../../i18n';
import { EVENT_NOTICE } from '../chat-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/**
 * Tells the send group's chat who claimed, silenced or unsilenced: as a reply under the
 * card showing the event (its alert group's) when there is one, else as a small card in the chat.
 */
export const eventNoticeProcessor: Processor<Pick<WorkerContext, 'db' | 'cardSender' | 'logger' | 'settings'>, EventChange> = {
  queue: 'actions',
  name: EVENT_NOTICE,
  handle: async (job, ctx) => {
    const change = job.data;
    const group = await ctx.db('send_groups').where({ id: change.sendGroupId }).first('feishu_chat_id');
    if (!group?.feishu_chat_id) return 'no chat';
    // The alert's group card when it is in a group (it rides on that card), else its own.
    const { replyTo } = await chatCardOf(ctx.db, change.eventIds[0]!, group.feishu_chat_id);
    const uuid = `notice-${change.key}`;
    const L = ctx.settings.locale;
    // Jobs queued before the catalogue carry only the English line.
    const text = change.say ? sayText(L, change.say) : change.text;
    try {
      if (replyTo) await ctx.cardSender.reply(replyTo, { text }, uuid);
      else await ctx.cardSender.sendToChat(group.feishu_chat_id, textCard({ title: t(L, `action.title.${change.kind}`), markdown: escLine(text) }), uuid);
    } catch (e) {
      if (!isPermanentSendFailure(e)) throw e;
      ctx.logger.warn({ err: e, change }, 'notice refused by Feishu; dropped');
    }
    return 'sent';
  },
};
