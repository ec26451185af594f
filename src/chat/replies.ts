import { errorCard } from '../cards/error-card';
import { textCard } from '../cards/text-card';
import type { Template } from '../cards/card';
import type { AppError } from '../core/errors';
import { describeError, t, userError, type Locale, type MessageKey, type ParamsArg } from '../i18n';
import { hasRole, type Role, type User } from '../users/users';
import type { Reply } from './types';

/** Wrong arguments, said in the catalogue's words: the error card adds the command's usage. */
export const usageError = <K extends MessageKey>(key: K, ...params: ParamsArg<K>): AppError => userError('validation_failed', key, ...params);

/** Throws `forbidden` unless the user has at least `role`; `what` names the action (`/rule enable`). */
export function requireRole(user: User, role: Role, what: string): void {
  if (!hasRole(user, role)) throw userError('forbidden', 'chat.actionNeedsRole', { what, role, current: user.role });
}

/** `markdown` is trusted: escape user values in it. */
export const textReply = (title: string, markdown: string, template?: Template): Reply => ({ card: textCard({ title, markdown, template }) });

export const notRegisteredText = (locale: Locale): string => t(locale, 'chat.notRegistered');

/** Any failure as the error card users see: what went wrong and what to type instead (the usage for wrong arguments). */
export function errorReply(e: unknown, locale: Locale, usage?: string): Reply {
  return { card: errorCard(describeError(locale, e, usage)) };
}
