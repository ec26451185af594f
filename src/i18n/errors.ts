import { AppError, isAppError, type ErrorCode, type FieldIssue, type Say } from '../core/errors';
import { CATALOGUE } from './catalogue';
import { t, type MessageKey, type ParamsArg } from './translate';
import type { Locale } from './locale';

/**
 * An AppError whose person-facing text is a catalogue message: chat and cards show it in the
 * bot's language; the HTTP API and logs keep `code` and the English `message`.
 * `userError('validation_failed', 'chat.oncall.tooManyGroups')`.
 */
export function userError<K extends MessageKey>(code: ErrorCode, key: K, ...params: ParamsArg<K>): AppError {
  const details: FieldIssue[] | undefined = code === 'validation_failed' ? [] : undefined;
  return new AppError(code, t('en', key, ...params), details, { say: said(key, ...params) });
}

/** A catalogue message as data (for results that travel, like an action's outcome). */
export function said<K extends MessageKey>(key: K, ...params: ParamsArg<K>): Say {
  return { key, params: params[0] ?? {} };
}

/** A Say in `locale`; an unknown key (never from `said`) falls back to the key itself. */
export function sayText(locale: Locale, s: Say): string {
  return Object.hasOwn(CATALOGUE, s.key) ? (t as (l: Locale, k: string, p: Say['params']) => string)(locale, s.key, s.params) : s.key;
}

/** notFound()'s entity words (English, from services) → how the list of them is asked for. */
const ENTITIES: Record<string, { key: MessageKey; list?: string }> = {
  'on-call group': { key: 'entity.oncallGroup', list: '/oncall' },
  'scrape pool': { key: 'entity.scrapePool', list: '/pools' },
  'alert event': { key: 'entity.alertEvent', list: '/alerts' },
  'firing alert named': { key: 'entity.firingAlertNamed', list: '/alerts' },
  'alert rule': { key: 'entity.alertRule', list: '/rules' },
  'send group': { key: 'entity.sendGroup', list: '/stats' },
  'swap request': { key: 'entity.swapRequest' },
  user: { key: 'entity.user', list: '/whoami' },
  instance: { key: 'entity.instance', list: '/pools' },
};
const ZH_COMMAND: Record<string, string> = { '/oncall': '/值班', '/pools': '/采集池', '/alerts': '/告警', '/rules': '/规则', '/stats': '/统计', '/whoami': '/我是谁' };

export interface ErrorText {
  title: string;
  message: string;
  details?: string[];
  /** What to type instead. */
  hint?: string;
}

/**
 * Any failure as a person should read it, in `locale`: what went wrong and what to type
 * instead (the command's usage for wrong arguments). Never the error code.
 */
export function describeError(locale: Locale, e: unknown, usage?: string): ErrorText {
  if (!isAppError(e)) return { title: t(locale, 'error.title.internal'), message: t(locale, 'error.internal'), hint: t(locale, 'error.hint.retry') };
  const title = t(locale, `error.title.${e.code}`);
  const issues = Array.isArray(e.details) ? (e.details as Partial<FieldIssue>[]) : [];
  const details = issues.filter((i) => i.path && i.message).map((i) => `${i.path}: ${i.message}`);
  const found = e.code === 'not_found' ? notFoundText(locale, e.details) : null;
  const message = e.say ? sayText(locale, e.say) : (found?.message ?? (e.code === 'internal' ? t(locale, 'error.internal') : e.message));
  const hint = hintFor(locale, e.code, usage, found?.list);
  return { title, message, ...(details.length > 1 ? { details } : {}), ...(hint ? { hint } : {}) };
}

function notFoundText(locale: Locale, details: unknown): { message: string; list?: string } | null {
  const d = details as { entity?: unknown; id?: unknown } | undefined;
  if (typeof d?.entity !== 'string') return null;
  const known = ENTITIES[d.entity];
  const what = known ? t(locale, known.key as 'entity.user') : d.entity;
  const list = known?.list && (locale === 'zh-CN' ? ZH_COMMAND[known.list] : known.list);
  return { message: t(locale, 'error.notFound', { what, id: String(d.id) }), ...(list ? { list } : {}) };
}

function hintFor(locale: Locale, code: ErrorCode, usage: string | undefined, list: string | undefined): string | undefined {
  switch (code) {
    case 'validation_failed':
      return usage ? t(locale, 'error.hint.usage', { usage }) : t(locale, 'error.hint.help');
    case 'not_found':
      return list ? t(locale, 'error.hint.list', { command: list }) : t(locale, 'error.hint.help');
    case 'forbidden':
    case 'unauthorized':
      return t(locale, 'error.hint.forbidden');
    case 'conflict':
      return t(locale, 'error.hint.conflict');
    case 'unavailable':
    case 'upstream_failed':
    case 'internal':
      return t(locale, 'error.hint.retry');
    default:
      return t(locale, 'error.hint.help');
  }
}
