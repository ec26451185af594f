import type Router from '@koa/router';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Context, Middleware } from 'koa';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { verifyFeishuRequest, type FeishuSecrets } from './verify';

export interface FeishuReceiver {
  dispatcher: lark.EventDispatcher;
  secrets: FeishuSecrets;
  clock: Clock;
  logger: Logger;
}

/**
 * `POST /feishu/events` and `POST /feishu/cards`: verify (signature or token, see
 * verifyFeishuRequest) → answer the url_verification challenge → hand the plain payload to
 * the dispatcher with the SDK's own check off (it would re-serialize the body instead of
 * using the signed bytes, and checks nothing without an encrypt key). A request that fails
 * verification gets 401 and reaches no handler. `guards` run first (the loopback rule while the
 * keys are public: settings.feishu.callbacksLoopbackOnly).
 */
export function feishuRoutes(router: Router, r: FeishuReceiver, ...guards: Middleware[]): void {
  const handle = async (ctx: Context): Promise<void> => {
    const verified = verifyFeishuRequest(
      { headers: ctx.headers, rawBody: typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : undefined, body: ctx.request.body },
      r.secrets,
      r.clock.now().getTime(),
    );
    if (!verified.ok) {
      r.logger.warn({ reason: verified.reason, path: ctx.path, ip: ctx.ip }, 'feishu callback refused');
      throw new AppError('unauthorized', 'Feishu callback could not be verified');
    }
    const payload = verified.payload;
    if (payload.type === 'url_verification') {
      ctx.body = { challenge: payload.challenge };
      return;
    }
    // The SDK reads request headers from the prototype, as its own adapters pass them.
    const data = Object.assign(Object.create({ headers: ctx.headers }) as object, payload);
    const value: unknown = await r.dispatcher.invoke(data, { needCheck: false });
    ctx.body = typeof value === 'object' && value !== null ? value : {};
  };
  router.post('/feishu/events', ...guards, handle);
  router.post('/feishu/cards', ...guards, handle);
}
