import { CATALOGUE, type Catalogue } from './catalogue';
import type { Plural, Text, TextParams } from './define';
import type { Locale } from './locale';

export type MessageKey = keyof Catalogue;
export type ParamValue = string | number;
/** The params message `K` takes, by name. */
export type MessageParams<K extends MessageKey> = { [P in TextParams<Catalogue[K]['en']>]: ParamValue };
/** No second argument for a message without params; exactly its params otherwise. */
export type ParamsArg<K extends MessageKey> = [TextParams<Catalogue[K]['en']>] extends [never] ? [] : [params: MessageParams<K>];

const PARAM = /\{(\w+)\}/g;
const pluralRules = new Map<Locale, Intl.PluralRules>();

function pick(locale: Locale, text: Plural, count: unknown): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return typeof count === 'number' && rules.select(count) === 'one' ? text.one : text.other;
}

/** Fills `{name}` placeholders; one without a value stays as written. */
export function render(locale: Locale, text: Text, params: Record<string, ParamValue> = {}): string {
  const s = typeof text === 'string' ? text : pick(locale, text, params.count);
  return s.replace(PARAM, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * The message `key` in `locale`. Values are inserted as given: a caller putting the result in
 * a markdown element escapes user values first (esc / escLine in src/cards/card.ts), exactly
 * as with hand-written text.
 */
export function t<K extends MessageKey>(locale: Locale, key: K, ...params: ParamsArg<K>): string {
  const entry = CATALOGUE[key] as Record<Locale, Text>;
  return render(locale, entry[locale], params[0]);
}

/** `t` bound to one locale, for a card builder or command that writes many messages. */
export type Translate = <K extends MessageKey>(key: K, ...params: ParamsArg<K>) => string;
export const translator = (locale: Locale): Translate => (key, ...params) => t(locale, key, ...params);
