import { timingSafeEqual, createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { AppError } from '../../core/errors';

// Hash both sides so the comparison takes the same time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer <token>` or 401; `realm` names which token in the message. */
export function bearer(tokens: () => string[], realm: string) {
  // The configured tokens' digests, kept (settings do not change while running): the
  // webhook checks thousands of requests a second.
  const known = new Map<string, Buffer>();
  const digestOf = (t: string) => known.get(t) ?? known.set(t, digest(t)).get(t)!;
  return async (ctx: Context, next: Next): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    const given = m && digest(m[1]!);
    if (!given || !tokens().some((t) => timingSafeEqual(given, digestOf(t)))) {
      ctx.set('WWW-Authenticate', `Bearer realm="${realm}"`);
      throw new AppError('unauthorized', `missing or wrong bearer token (${realm})`);
    }
    await next();
  };
}
