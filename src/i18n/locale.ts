/** The languages the bot speaks. Every message in src/i18n/messages has exactly these. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/**
 * LOCALE's default: Lark (larksuite.com, the international edition) teams get English,
 * everyone else (Feishu, open.feishu.cn, and private deployments / the sandbox) Chinese.
 */
export function defaultLocaleFor(feishuDomain: string): Locale {
  let host = '';
  try {
    host = new URL(feishuDomain).hostname.toLowerCase();
  } catch {
    host = feishuDomain.toLowerCase();
  }
  return host === 'larksuite.com' || host.endsWith('.larksuite.com') ? 'en' : 'zh-CN';
}
