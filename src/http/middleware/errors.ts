import type { Context, Next } from 'koa';
import type { Logger } from '../../core/logger';
import { AppError, isAppError, unavailable } from '../../core/errors';
import { isRedisUnavailable } from '../../core/redis-clients';

/** Errors thrown by koa-bodyparser / http-errors carry a status and an expose flag. */
interface HttpishError {
  status?: number;
  expose?: boolean;
  type?: string;
  message: string;
}

function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  // Any route whose Redis command found Redis down or silent (the clients fail fast).
  if (isRedisUnavailable(e)) return unavailable('Redis is unreachable or cannot take writes right now; try again shortly', e);
  const h = e as HttpishError;
  if (h?.status === 413) return new AppError('payload_too_large', 'request body is too large');
  if (h?.status === 415) return new AppError('unsupported_media_type', h.message);
  if (h?.status === 400 && (e instanceof SyntaxError || h.type === 'entity.parse.failed'))
    return new AppError('validation_failed', 'body is not valid JSON');
  if (h?.status === 404) return new AppError('not_found', h.expose ? h.message : 'not found');
  if (h?.status === 405) return new AppError('validation_failed', h.message);
  if (h?.status && h.status >= 400 && h.status < 500 && h.expose) return new AppError('validation_failed', h.message);
  return new AppError('internal', 'internal error', undefined, { cause: e });
}

/** Every error leaves as `{error:{code,message,details}}`; internals are logged, not shown. */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', `no route for ${ctx.method} ${ctx.path}`);
    } catch (e) {
      const err = toAppError(e);
      if (err.code === 'internal') logger.error({ err: e, reqId: ctx.state.reqId, path: ctx.path }, 'request failed');
      else if (err.status >= 500) logger.warn({ err: e, reqId: ctx.state.reqId, path: ctx.path }, err.message);
      ctx.status = err.status;
      ctx.body = { error: { code: err.code, message: err.message, details: err.details ?? null } };
    }
  };
}
