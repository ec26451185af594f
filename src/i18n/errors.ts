import { AppError, isAppError, type ErrorCode, type FieldIssue, type Say } from '../core/errors';
import { CATALOGUE } from './catalogue';
import { t, type MessageKey, type ParamsArg } from './translate';
import type { Locale } from './locale';

/** An error code, or one with the `details` the HTTP API shows (`{ field: 'name' }`). */
export type ErrorKind = ErrorCode | { code: ErrorCode; details: unknown };

/**
 * An AppError whose person-facing text is a catalogue message: chat and cards show it in the
 * bot's language; the HTTP API and logs keep `code` and the English `message`.
 * `userError('validation_failed', 'chat.oncall.tooManyGroups')`,
 * `userError({ code: 'conflict', details: { requestId } }, 'swapErr.openRequest', { id })`.
 */
export function userError<K extends MessageKey>(kind: ErrorKind, key: K, ...params: ParamsArg<K>): AppError {
  const code = typeof kind === 'string' ? kind : kind.code;
  const details: unknown = typeof kind === 'string' ? (code === 'validation_failed' ? [] : undefined) : kind.details;
  const { english, say } = saidBoth(key, ...params);
  return new AppError(code, english, details, { say });
}

/** One field's problem, in the catalogue's words: the API's `{path, message}` (English) and chat's text. */
export interface SaidIssue extends FieldIssue {
  say: Say;
}

export function fieldIssue<K extends MessageKey>(path: string, key: K, ...params: ParamsArg<K>): SaidIssue {
  const { english, say } = saidBoth(key, ...params);
  return { path, message: english, say };
}

/**
 * `validation_failed` listing `issues` (more fields on an issue, like a PromQL position, stay
 * in the API's details). As invalid() / invalidField() in src/core/errors.ts, with every
 * issue also said in the bot's language.
 */
export function invalidIssues(issues: readonly [SaidIssue, ...SaidIssue[]]): AppError {
  const [first] = issues;
  const details = issues.map(({ say: _say, ...issue }) => issue);
  const issueSays = Object.fromEntries(issues.map((i) => [i.path, i.say]));
  return new AppError('validation_failed', `${first.path}: ${first.message}`, details, { say: first.say, issueSays });
}

/** invalidField() in the catalogue's words: `fieldError('lastDay', 'swapErr.tooManyDays', { span, max })`. */
export const fieldError = <K extends MessageKey>(path: string, key: K, ...params: ParamsArg<K>): AppError => invalidIssues([fieldIssue(path, key, ...params)]);

/**
 * A zod custom issue in the catalogue's words: `.refine(ok, customIssue(key))` or
 * `ctx.addIssue({ code: 'custom', path, ...customIssue(key, params) })`. parseInput
 * (src/core/validate.ts) takes its `params.say` into the error's issueSays.
 */
export function customIssue<K extends MessageKey>(key: K, ...params: ParamsArg<K>): { message: string; params: { say: Say } } {
  const { english, say } = saidBoth(key, ...params);
  return { message: english, params: { say } };
}

/** A catalogue message both ways: in English, as the API and logs write it, and as data the bot says in its language. */
export function saidBoth<K extends MessageKey>(key: K, ...params: ParamsArg<K>): { english: string; say: Say } {
  return { english: t('en', key, ...params), say: said(key, ...params) };
}

/** A Say in English, as the API and logs write it. */
export const english = (s: Say): string => sayText('en', s);

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
  alert: { key: 'entity.alert', list: '/alerts' },
  'alert group': { key: 'entity.alertGroup', list: '/alerts' },
  'record rule': { key: 'entity.recordRule' },
  'scrape job': { key: 'entity.scrapeJob', list: '/pools' },
  'calendar feed': { key: 'entity.calendarFeed' },
  action: { key: 'entity.action', list: '/actions' },
  'logged query': { key: 'entity.loggedQuery' },
  'config file': { key: 'entity.configFile' },
  'Prometheus instance': { key: 'entity.prometheusInstance', list: '/pools' },
};
const ZH_COMMAND: Record<string, string> = { '/oncall': '/值班', '/pools': '/采集池', '/alerts': '/告警', '/rules': '/规则', '/stats': '/统计', '/whoami': '/我是谁', '/actions': '/动作' };

/** Whether describeError names `entity` (notFound()'s first argument) in the bot's language. */
export const isKnownEntity = (entity: string): boolean => Object.hasOwn(ENTITIES, entity);

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
  const details = issueLines(locale, e);
  const found = e.code === 'not_found' ? notFoundText(locale, e.details) : null;
  const message = e.say ? sayText(locale, e.say) : (found?.message ?? (e.code === 'internal' ? t(locale, 'error.internal') : e.message));
  const hint = hintFor(locale, e.code, usage, found?.list);
  return { title, message, ...(details.length > 1 ? { details } : {}), ...(hint ? { hint } : {}) };
}

/** A validation error's field issues as `field: problem` lines, said in `locale` where the catalogue has them. */
export function issueLines(locale: Locale, e: unknown): string[] {
  if (!isAppError(e) || !Array.isArray(e.details)) return [];
  const says = e.issueSays ?? {};
  return (e.details as Partial<FieldIssue>[])
    .filter((i): i is FieldIssue => typeof i?.path === 'string' && typeof i.message === 'string' && i.message !== '')
    .map((i) => `${i.path}: ${Object.hasOwn(says, i.path) ? sayText(locale, says[i.path]!) : i.message}`);
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
