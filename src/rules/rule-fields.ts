import { z } from 'zod';
import type { FieldIssue } from '../core/errors';
import { customIssue, fieldError, fieldIssue, invalidIssues, type MessageKey, type SaidIssue } from '../i18n';
import { boundedRecord, LABEL_NAME } from '../core/names';
import { templateProblem } from './go-template';
import { validatePromql, type PromqlPosition } from './promql';

/**
 * Schema pieces alert and record rules share, and the PromQL check both run on save.
 */
export const ruleId = z.number().int().positive();

/** Text only; the PromQL itself is checked by `requireValidPromql`, which can report a position. */
export const promqlText = z.string().trim().min(1, 'must not be empty').max(65_535, 'must be at most 65535 characters');

/**
 * How much a rule may carry besides its expression. Every label and annotation of an alert rule
 * is a Go template that is parsed on save (1.5-5 ms for 16 KB of dense actions on this 2-core
 * box), and a save also checks its expression (up to ~20 ms), so the templates' number and
 * total size are bounded to keep the whole save check under 50 ms; real rules carry a handful.
 */
export const RULE_LIMITS = {
  /** Labels, and annotations, per rule. */
  maxEntries: 64,
  /** Characters of all label and annotation values (and grafanaUrl) of one rule together. */
  maxTemplateText: 32_768,
} as const;

/** A message saying why a label is reserved: `"{key}" is reserved: …`. */
export type ReservedReason = Extract<MessageKey, `ruleErr.reserved.${string}`>;

/**
 * A map whose keys must be label names; `reserved` maps names the user may not set to the
 * reason. Names starting with `__` are Prometheus' own.
 */
export function labelMap(opts: { reserved?: Record<string, ReservedReason>; maxValue: number }) {
  const value = z.string().refine((v) => v.length <= opts.maxValue, customIssue('form.err.tooLong', { max: opts.maxValue }));
  return boundedRecord(z.string(), value, RULE_LIMITS.maxEntries, 'entries').superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      const reason = opts.reserved && Object.hasOwn(opts.reserved, key) ? opts.reserved[key] : undefined;
      if (!LABEL_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], ...customIssue('ruleErr.notLabelName', { key }) });
      else if (key.startsWith('__')) ctx.addIssue({ code: 'custom', path: [key], ...customIssue('ruleErr.prometheusReserved') });
      else if (reason) ctx.addIssue({ code: 'custom', path: [key], ...customIssue(reason, { key }) });
    }
  });
}

/**
 * Throws `validation_failed` listing every label, annotation and grafanaUrl (rendered as the
 * `grafana_url` annotation) that Prometheus would refuse as a Go template: one bad template
 * makes Prometheus refuse the instance's whole rule file (see go-template.ts).
 */
export function requireValidTemplates(rule: { name: string; labels: Record<string, string>; annotations: Record<string, string>; grafanaUrl: string | null }): void {
  const fields: [string, string][] = [
    ...Object.entries(rule.labels).map(([k, v]): [string, string] => [`labels.${k}`, v]),
    ...Object.entries(rule.annotations).map(([k, v]): [string, string] => [`annotations.${k}`, v]),
    ...(rule.grafanaUrl ? [['grafanaUrl', rule.grafanaUrl] as [string, string]] : []),
  ];
  const total = fields.reduce((n, [, v]) => n + v.length, 0);
  if (total > RULE_LIMITS.maxTemplateText) {
    throw fieldError('annotations', 'ruleErr.templatesTooLong', { total, max: RULE_LIMITS.maxTemplateText });
  }
  const issues: SaidIssue[] = [];
  for (const [path, text] of fields) {
    // Text without `{{` holds no action: always a valid template.
    const problem = text.includes('{{') ? templateProblem(text, rule.name) : null;
    if (problem) issues.push(fieldIssue(path, 'ruleErr.template', { problem: problem.message }));
  }
  const [first, ...rest] = issues;
  if (first) throw invalidIssues([first, ...rest]);
}

export interface PromqlFieldIssue extends FieldIssue {
  position: PromqlPosition;
}

/**
 * Throws `validation_failed` with `details: [{path, message, position}]` when the expression
 * is not a PromQL expression a rule can evaluate (an instant vector or a scalar).
 */
export function requireValidPromql(path: string, expr: string): void {
  const r = validatePromql(expr, { forRule: true });
  if (r.valid) return;
  const position = r.position ?? { from: 0, to: expr.length, line: 1, column: 1 };
  const issue: PromqlFieldIssue & SaidIssue = { ...fieldIssue(path, 'ruleErr.promql', { problem: r.error ?? 'invalid PromQL' }), position };
  throw invalidIssues([issue]);
}
