import { errorCard } from '../cards/error-card';
import { forbidden, isAppError } from '../core/errors';
import { hasRole } from '../users/users';
import { MAX_COMMAND_LENGTH, parseCommand } from './parse';
import { findCommand, COMMANDS } from './registry';
import { errorReply, notRegisteredText } from './replies';
import type { ChatDeps, Command, InboundMessage, Reply } from './types';

const HINT = 'Send /help for what I can do.';

/**
 * One chat message → one reply, for any transport. Unknown senders are told they are not
 * registered and nothing else happens; a role below the command's gets a refusal; every
 * error becomes an error card (with the usage for wrong arguments).
 */
export async function handleMessage(msg: InboundMessage, d: ChatDeps, commands: readonly Command[] = COMMANDS): Promise<Reply> {
  const user = await d.users.findByOpenId(msg.senderOpenId);
  if (!user) return { text: notRegisteredText };
  if (msg.text.length > MAX_COMMAND_LENGTH) return { text: `That message is ${msg.text.length} characters long; a command is at most ${MAX_COMMAND_LENGTH}. ${HINT}` };
  const parsed = parseCommand(msg.text, msg.mentions);
  if (!parsed) return { text: `I did not find a command in that. ${HINT}` };
  const command = findCommand(parsed.command, commands);
  if (!command) return { card: errorCard({ code: 'not_found', message: `There is no command /${parsed.command}.`, hint: HINT }) };
  if (!hasRole(user, command.minRole)) {
    return errorReply(forbidden(`/${command.name} needs the ${command.minRole} role; you are ${user.role}. Ask an admin.`));
  }
  try {
    return await command.run({ ...parsed, user, chatId: msg.chatId, chatType: msg.chatType, messageId: msg.messageId }, d);
  } catch (e) {
    if (!isAppError(e)) d.logger.error({ err: e, command: command.name }, 'chat command failed');
    return errorReply(e, command.usage);
  }
}
