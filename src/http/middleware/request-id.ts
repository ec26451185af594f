import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';

/** Echoes a caller's `x-request-id` (if sane) or makes one, for logs and error reports. */
export async function requestId(ctx: Context, next: Next): Promise<void> {
  const given = ctx.get('x-request-id');
  const id = /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
  ctx.state.reqId = id;
  ctx.set('x-request-id', id);
  await next();
}
