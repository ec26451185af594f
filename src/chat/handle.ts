import { errorCard } from '../cards/error-card';
import { isAppError } from '../core/errors';
import { t, userError } from '../i18n';
import { hasRole } from '../users/users';
import { MAX_COMMAND_LENGTH, parseCommand } from './parse';
import { closestCommand, findCommand, COMMANDS, withEnglishWords } from './registry';
import { errorReply, notRegisteredText } from './replies';
import type { ChatDeps, Command, InboundMessage, Reply } from './types';

/**
 * One chat message → one reply, for any transport. Unknown senders are told they are not
 * registered and nothing else happens; a role below the command's gets a refusal; every
 * error becomes an error card (with the usage for wrong arguments); an unknown command is
 * answered with the closest one.
 */
export async function handleMessage(msg: InboundMessage, d: ChatDeps, commands: readonly Command[] = COMMANDS): Promise<Reply> {
  const L = d.locale;
  const user = await d.users.findByOpenId(msg.senderOpenId);
  if (!user) return { text: notRegisteredText(L) };
  const hint = t(L, 'chat.hint.help');
  if (msg.text.length > MAX_COMMAND_LENGTH) return { text: `${t(L, 'chat.tooLong', { length: msg.text.length, max: MAX_COMMAND_LENGTH })} ${hint}` };
  const parsed = parseCommand(msg.text, msg.mentions);
  if (!parsed) return { text: `${t(L, 'chat.noCommand')} ${hint}` };
  const command = findCommand(parsed.command, commands);
  if (!command) {
    const near = closestCommand(parsed.command, commands);
    const title = t(L, 'error.title.not_found');
    const message = t(L, 'chat.unknownCommand', { command: parsed.command });
    return { card: errorCard({ title, message, hint: near ? t(L, 'chat.didYouMean', { usage: t(L, near.usage) }) : hint }) };
  }
  if (!hasRole(user, command.minRole)) {
    return errorReply(userError('forbidden', 'chat.needsRole', { command: parsed.command, role: command.minRole, current: user.role }), L);
  }
  try {
    const req = { ...parsed, args: withEnglishWords(command, parsed.args), user, chatId: msg.chatId, chatType: msg.chatType, messageId: msg.messageId };
    return await command.run(req, d);
  } catch (e) {
    if (!isAppError(e)) d.logger.error({ err: e, command: command.name }, 'chat command failed');
    return errorReply(e, L, t(L, command.usage));
  }
}
