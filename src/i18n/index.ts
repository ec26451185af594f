/**
 * The bot's languages (issue #16): `t(locale, key, params)` for every text a person reads.
 * Pure: no I/O, no global state; the locale travels in card inputs and ChatDeps.
 */
export { LOCALES, defaultLocaleFor, isLocale, type Locale } from './locale';
export { defineMessages, type Entry, type Plural } from './define';
export { t, translator, render, type MessageKey, type MessageParams, type ParamsArg, type Translate } from './translate';
export { customIssue, describeError, isKnownEntity, fieldError, fieldIssue, invalidIssues, issueLines, said, saidBoth, sayText, english, userError, type ErrorKind, type ErrorText, type SaidIssue } from './errors';
export { formatDay, formatWhen, monthOf, weekdayName } from './format';
