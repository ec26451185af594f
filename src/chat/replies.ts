import { errorCard } from '../cards/error-card';
import { textCard } from '../cards/text-card';
import type { Template } from '../cards/card';
import { AppError, forbidden, invalid, isAppError, type FieldIssue } from '../core/errors';
import { hasRole, type Role, type User } from '../users/users';
import type { Reply } from './types';

/** Wrong arguments: the error card adds the command's usage. */
export const usageError = (message: string): AppError => invalid(message);

/** Throws `forbidden` unless the user has at least `role`. */
export function requireRole(user: User, role: Role, what: string): void {
  if (!hasRole(user, role)) throw forbidden(`${what} needs the ${role} role; you are ${user.role}. Ask an admin.`);
}

/** `markdown` is trusted: escape user values in it. */
export const textReply = (title: string, markdown: string, template?: Template): Reply => ({ card: textCard({ title, markdown, template }) });

export const notRegisteredText =
  'You are not registered in promduty yet, so I cannot act for you. Ask an admin to add your Feishu account (your open_id) as a user.';

/** Any failure as the error card users see; validation failures show the usage. */
export function errorReply(e: unknown, usage?: string): Reply {
  if (!isAppError(e)) return { card: errorCard({ code: 'internal', message: 'Something went wrong on our side; it has been logged.' }) };
  const issues = Array.isArray(e.details) ? (e.details as Partial<FieldIssue>[]) : [];
  const details = issues.filter((i) => i.path && i.message).map((i) => `${i.path}: ${i.message}`);
  const hint = e.code === 'validation_failed' && usage ? `Usage: ${usage}` : e.code === 'forbidden' ? undefined : 'Send /help for the commands.';
  return { card: errorCard({ code: e.code, message: e.message, details: details.length > 1 ? details : undefined, hint }) };
}
