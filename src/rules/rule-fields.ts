import { z } from 'zod';
import { invalid, type FieldIssue } from '../core/errors';
import { LABEL_NAME } from '../core/names';
import { validatePromql, type PromqlPosition } from './promql';

/**
 * Schema pieces alert and record rules share, and the PromQL check both run on save.
 */
export const ruleId = z.number().int().positive();

/** Text only; the PromQL itself is checked by `requireValidPromql`, which can report a position. */
export const promqlText = z.string().trim().min(1, 'must not be empty').max(65_535, 'must be at most 65535 characters');

/**
 * A map whose keys must be label names; `reserved` maps names the user may not set to the
 * reason. Names starting with `__` are Prometheus' own.
 */
export function labelMap(opts: { reserved?: Record<string, string>; maxValue: number }) {
  return z.record(z.string(), z.string().max(opts.maxValue, `must be at most ${opts.maxValue} characters`)).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      const reason = opts.reserved && Object.hasOwn(opts.reserved, key) ? opts.reserved[key] : undefined;
      if (!LABEL_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)` });
      else if (key.startsWith('__')) ctx.addIssue({ code: 'custom', path: [key], message: 'names starting with __ are reserved for Prometheus' });
      else if (reason) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is reserved: ${reason}` });
    }
  });
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
  const message = r.error ?? 'invalid PromQL';
  const issue: PromqlFieldIssue = { path, message, position: r.position ?? { from: 0, to: expr.length, line: 1, column: 1 } };
  throw invalid(`${path}: ${message}`, [issue]);
}
