import { z } from 'zod';
import { parseInput } from '../core/validate';
import { LABEL_NAME, parseDuration } from '../core/names';
import { customIssue } from '../i18n';

/**
 * The contract between the cards and the card-callback handler: every callback value a card
 * emits is `{a: '<action>', ...args}` and is parsed back with `cardActionSchema`, so the two
 * sides cannot drift apart. Keys are one letter because Feishu echoes the whole value on every
 * click and a card carries many of them.
 */

/** Durations offered on cards; a value outside this list is refused, whoever crafted it. */
export const SILENCE_DURATIONS = ['30m', '1h', '4h', '24h'] as const;
export type SilenceDuration = (typeof SILENCE_DURATIONS)[number];

// Feishu hands the value back as the JSON we sent, but accept numeric strings as well: the
// documented examples (and older clients) stringify values.
const id = z
  .union([z.number(), z.string().regex(/^\d+$/, 'must be a number').transform(Number)])
  .pipe(z.number().int().positive());
const silenceDuration = z.enum(SILENCE_DURATIONS);
const index = z
  .union([z.number(), z.string().regex(/^\d+$/, 'must be a number').transform(Number)])
  .pipe(z.number().int().min(0).max(50));

/** Alert group buttons: `i` is the group's id. */
export const GROUP_ACTIONS = ['g_ack', 'g_unack', 'g_take', 'g_resolve', 'g_escalate', 'g_silence', 'g_note', 'g_responder'] as const;
export type GroupActionName = (typeof GROUP_ACTIONS)[number];

export const cardActionSchema = z.discriminatedUnion('a', [
  z.object({ a: z.literal('claim'), e: id }),
  z.object({ a: z.literal('unclaim'), e: id }),
  ...GROUP_ACTIONS.map((a) => z.object({ a: z.literal(a), i: id })),
  z.object({ a: z.literal('silence'), e: id, d: silenceDuration }),
  z.object({ a: z.literal('silence_alertname'), e: id, d: silenceDuration }),
  z.object({ a: z.literal('unsilence'), e: id }),
  z.object({ a: z.literal('rule_save'), r: id }),
  // The swap form; `o: 1` is its "offer to the group" button.
  z.object({ a: z.literal('swap'), g: id, o: z.literal(1).optional() }),
  // A swap request's buttons (r: its id): accept (for an offer: take it), decline, cancel.
  z.object({ a: z.literal('sr_accept'), r: id }),
  z.object({ a: z.literal('sr_decline'), r: id }),
  z.object({ a: z.literal('sr_cancel'), r: id }),
  // The roster card's month buttons.
  z.object({ a: z.literal('roster'), g: id, m: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }),
  // /rules suggest: pool, the logged query's hash prefix, which of its suggestions.
  z.object({ a: z.literal('rule_suggest'), p: id, q: z.string().regex(/^[0-9a-f]{16}$/, 'must be a query hash'), k: index }),
  // A remediation action's button on an alert card: event, action.
  z.object({ a: z.literal('remedy'), e: id, x: id }),
]);
export type CardAction = z.output<typeof cardActionSchema>;
export type CardActionName = CardAction['a'];
export type GroupCardAction = Extract<CardAction, { i: number }>;
/** The value of a select_static whose chosen option supplies the duration `d`. */
export type CardActionAwaitingOption = Omit<Extract<CardAction, { d: SilenceDuration }>, 'd'>;

/** What a `card.action.trigger` callback carries in `event.action`. */
export interface CallbackAction {
  value?: unknown;
  option?: unknown;
  form_value?: unknown;
}

/**
 * Parse a callback into a CardAction. A select_static sends its choice as `option`, not inside
 * the value (the silence-by-alertname select sends `{a, e}` + option `'4h'`), so the option
 * fills `d` when the value has none. Throws a validation_failed AppError on anything else.
 */
export function parseCardAction(action: CallbackAction): CardAction {
  const value = action.value;
  const merged =
    value && typeof value === 'object' && !('d' in value) && typeof action.option === 'string'
      ? { ...value, d: action.option }
      : value;
  return parseInput(cardActionSchema, merged, 'card action');
}

// Form checks say what is wrong in the catalogue's words (customIssue), so a refused form
// reads in the bot's language; zod's own messages are English.
const upTo = (max: number) =>
  z
    .string()
    .trim()
    .refine((s) => s.length <= max, customIssue('form.err.tooLong', { max }));
const openId = z
  .string()
  .trim()
  .refine((s) => /^ou_[A-Za-z0-9_-]+$/.test(s), customIssue('form.err.openId'));

/**
 * `action.form_value` of a group card's forms: the silence form (a picked or typed duration
 * and a reason), the note form and the add-responder form. Parsed further by the handler
 * (the typed duration needs the clock and the zone).
 */
export const groupFormSchema = z.object({
  duration: upTo(40).optional(),
  picked: upTo(10).optional(),
  reason: upTo(500).optional(),
  note: upTo(1000).optional(),
  user: openId.optional(),
});
export type GroupForm = z.output<typeof groupFormSchema>;

// ---- forms: field names and parsing shared by the form cards and their handlers ----

/*
 * Labels and annotations edit as `k=v`, one per line. A value may itself span lines (a
 * description), so inside values a newline is written `\n` and a backslash `\\`. Keys and
 * values are trimmed (`team = infra` is what people type), so parsing undoes formatting
 * exactly for every value without surrounding whitespace.
 */
export function formatKeyValueLines(record: Record<string, string>): string {
  return Object.keys(record)
    .sort()
    .map((k) => `${k}=${(record[k] ?? '').replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n')}`)
    .join('\n');
}

export function parseKeyValueLines(text: string): { ok: true; value: Record<string, string> } | { ok: false; error: ReturnType<typeof customIssue> } {
  // A Map, not an object: `__proto__` is a valid label name and must stay an ordinary key.
  const value = new Map<string, string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq < 0) return { ok: false, error: customIssue('form.err.kvLine', { line: i + 1 }) };
    const key = line.slice(0, eq).trim();
    if (!LABEL_NAME.test(key)) return { ok: false, error: customIssue('form.err.kvName', { line: i + 1, key }) };
    if (value.has(key)) return { ok: false, error: customIssue('form.err.kvTwice', { line: i + 1, key }) };
    const v = line.slice(eq + 1).trim();
    value.set(key, v.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')));
  }
  return { ok: true, value: Object.fromEntries(value) };
}

const keyValueLines = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const r = parseKeyValueLines(s ?? '');
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', input: s, ...r.error });
    return z.NEVER;
  });

/** `action.form_value` of the rule edit form (rule-card). Every value arrives as a string. */
export const ruleFormSchema = z.object({
  expr: z
    .string()
    .trim()
    .refine((s) => s.length > 0, customIssue('form.err.empty')),
  for: z
    .string()
    .trim()
    .optional()
    .transform((s) => s || '0s')
    .refine((s) => parseDuration(s) !== null, customIssue('form.err.duration')),
  severity: z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9_.-]{1,32}$/.test(s), customIssue('form.err.severity')),
  labels: keyValueLines,
  annotations: keyValueLines,
  enabled: z.enum(['true', 'false']).transform((v) => v === 'true'),
});
export type RuleForm = z.output<typeof ruleFormSchema>;
export type RuleFormField = keyof z.input<typeof ruleFormSchema>;

/**
 * `action.form_value` of the swap form (swap-card). The date picker may append a zone offset
 * (`2025-03-14 +0800`); only the calendar date matters, so it is cut off.
 */
export const swapFormSchema = z.object({
  date: z
    .string()
    .trim()
    .refine((s) => /^\d{4}-\d{2}-\d{2}(\s.*)?$/.test(s), customIssue('form.err.date'))
    .transform((s) => s.slice(0, 10)),
  // Empty for the "offer to the group" button.
  user: openId.optional().or(z.literal('').transform(() => undefined)),
});
export type SwapForm = z.output<typeof swapFormSchema>;
export type SwapFormField = keyof z.input<typeof swapFormSchema>;
