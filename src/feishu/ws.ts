import * as lark from '@larksuiteoapi/node-sdk';
import type { Settings } from '../config/settings';
import type { Logger } from '../core/logger';

/**
 * FEISHU_MODE=ws: events and card callbacks arrive over the SDK's long connection instead of
 * HTTP, for deployments without a public URL. Feishu authenticates the connection with the
 * app credentials, so there is no per-request signature; the dispatcher's handlers still
 * dedupe on event id. Needs Feishu's servers (cannot be exercised against the local
 * sandbox); the HTTP path runs the same handlers and is what the tests cover.
 */
export function startFeishuWs(feishu: Settings['feishu'], dispatcher: lark.EventDispatcher, logger: Logger): { close(): void } {
  if (!feishu.appId || !feishu.appSecret) throw new Error('FEISHU_MODE=ws needs FEISHU_APP_ID and FEISHU_APP_SECRET');
  const ws = new lark.WSClient({
    appId: feishu.appId,
    appSecret: feishu.appSecret,
    domain: feishu.domain,
    loggerLevel: lark.LoggerLevel.warn,
    logger: {
      error: (...msg: unknown[]) => logger.error({ sdk: msg }, 'feishu ws error'),
      warn: (...msg: unknown[]) => logger.warn({ sdk: msg }, 'feishu ws warning'),
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
    },
  });
  ws.start({ eventDispatcher: dispatcher }).catch((err: unknown) => logger.error({ err }, 'feishu long connection failed to start'));
  logger.info('feishu long connection starting');
  return { close: () => ws.close() };
}
