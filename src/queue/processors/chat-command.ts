import { createHash } from 'node:crypto';
import { esc } from '../../cards/card';
import { textCard } from '../../cards/text-card';
import { handleMessage } from '../../chat/handle';
import { isPermanentSendFailure } from '../../core/ports';
import { CHAT_COMMAND, type ChatCommandJob } from '../chat-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** Deterministic per message and short enough for Feishu's 50-character uuid. */
export const replyUuid = (messageId: string): string => `reply-${createHash('sha1').update(messageId).digest('hex').slice(0, 32)}`;

/**
 * Runs one chat command and sends its reply into the chat it came from. When the send
 * fails after the command ran, the reply is kept on the job so the retry only re-sends it
 * (a /claim must not run twice).
 */
export const chatCommandProcessor: Processor<Pick<WorkerContext, 'chat' | 'cardSender' | 'logger'>, ChatCommandJob> = {
  queue: 'actions',
  name: CHAT_COMMAND,
  handle: async (job, ctx) => {
    const { message } = job.data;
    let card = job.data.reply;
    let privately = job.data.privately;
    if (!card) {
      const reply = await handleMessage(message, ctx.chat);
      card = 'card' in reply ? reply.card : textCard({ title: 'promduty', markdown: esc(reply.text) });
      privately = reply.privately;
      // In a private chat the private part is the reply itself.
      if (privately && message.chatType === 'p2p') [card, privately] = [privately, undefined];
    }
    try {
      if (privately) await ctx.cardSender.sendToUser(message.senderOpenId, privately, replyUuid(`private-${message.messageId}`));
      await ctx.cardSender.sendToChat(message.chatId, card, replyUuid(message.messageId));
    } catch (e) {
      if (isPermanentSendFailure(e)) {
        ctx.logger.warn({ err: e, chatId: message.chatId }, 'chat reply refused by Feishu; dropped');
        return;
      }
      await job.updateData({ ...job.data, reply: card, ...(privately && { privately }) });
      throw e;
    }
  },
};
