import * as lark from '@larksuiteoapi/node-sdk';
import type { Settings } from '../config/settings';
import type { Logger } from '../core/logger';

/**
 * The app bot's SDK client, or null when Feishu is not configured (promduty then runs
 * with delivery off). Each client gets its own token cache: the SDK's default cache is
 * process-wide and keyed by appId, which would leak tokens between test apps.
 */
export function createLarkClient(feishu: Pick<Settings['feishu'], 'enabled' | 'appId' | 'appSecret' | 'domain' | 'mode'>, logger: Logger): lark.Client | null {
  if (!feishu.enabled || !feishu.appId || !feishu.appSecret) return null;
  return new lark.Client({
    appId: feishu.appId,
    appSecret: feishu.appSecret,
    domain: feishu.domain,
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.error,
    logger: {
      error: (...msg: unknown[]) => logger.error({ sdk: msg }, 'feishu sdk error'),
      warn: (...msg: unknown[]) => logger.warn({ sdk: msg }, 'feishu sdk warning'),
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
    },
  });
}
