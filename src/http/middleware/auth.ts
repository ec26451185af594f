import { timingSafeEqual, createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { AppError } from '../../core/errors';

// Hash both sides so the comparison takes the same time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();
export const tokensEqual = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** `Authorization: Bearer <token>` or 401; `realm` names which token in the message. */
export function bearer(tokens: () => string[], realm: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!m || !tokens().some((t) => tokensEqual(m[1]!, t))) {
      ctx.set('WWW-Authenticate', `Bearer realm="${realm}"`);
      throw new AppError('unauthorized', `missing or wrong bearer token (${realm})`);
    }
    await next();
  };
}
