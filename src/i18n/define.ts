/**
 * Why a small typed catalogue and not i18next / FormatJS: we have two locales and a few
 * hundred messages, all compiled in. Here a message is written once with both translations
 * side by side (`{ en, 'zh-CN' }`), and the compiler proves what a library checks at run time
 * or not at all: a key without its Chinese (or English) text does not compile, the two
 * translations must use the same `{param}` names, and `t()` demands exactly those params.
 * It is pure and synchronous (no init, no loader, no global instance), so card builders can
 * stay pure functions of their input.
 *
 * Syntax: `{name}` is replaced by params.name (word characters only; any other brace, as in
 * `up{job="x"}`, is literal text). A plural message is `{ one, other }`, chosen for
 * params.count by Intl.PluralRules (Chinese has only `other`).
 */
import type { Locale } from './locale';

export interface Plural {
  one: string;
  other: string;
}
export type Text = string | Plural;
export type Entry = Record<Locale, Text>;

type Lower = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z';
type WordChar = Lower | Uppercase<Lower> | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '_';
// Tail-recursive, so long names stay within the compiler's recursion limit.
type IsWord<S extends string> = S extends `${infer C}${infer R}` ? (C extends WordChar ? (R extends '' ? true : IsWord<R>) : false) : false;

/** The `{param}` names in a string literal type. */
export type ParamNames<S, Found = never> = S extends `${string}{${infer P}}${infer Rest}`
  ? ParamNames<Rest, Found | (IsWord<P> extends true ? P : never)>
  : Found;

/** The params a text takes: a plural also takes `count`. */
export type TextParams<T> = T extends string ? ParamNames<T> : T extends Plural ? ParamNames<T['one']> | ParamNames<T['other']> | 'count' : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Each entry as is when its translations take the same params; otherwise a type naming the difference. */
type Checked<M> = {
  [K in keyof M]: M[K] extends Entry
    ? Same<TextParams<M[K]['en']>, TextParams<M[K]['zh-CN']>> extends true
      ? M[K]
      : { error: 'en and zh-CN take different params'; en: TextParams<M[K]['en']>; 'zh-CN': TextParams<M[K]['zh-CN']> }
    : never;
};

/**
 * One area's messages (src/i18n/messages/<area>.ts). Keys are `area.what`; the `const` type
 * parameter keeps every text a literal type so its params are known to the compiler.
 */
export const defineMessages = <const M extends Record<string, Entry>>(messages: M & Checked<M>): M => messages;
