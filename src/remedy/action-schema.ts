import { z } from 'zod';
import { compileTemplate, isProblem } from '../rules/go-template-eval';
import { REDACTED } from '../routing/send-group-schema';

/**
 * What an action is, as the API takes it. Pure: the service stores what this accepts. The URL
 * and body are templates (go-template-eval.ts) checked here, so a template error is a 400 when
 * the action is saved, never a failed run later.
 */
export const ACTION_LIMITS = {
  url: 2048,
  body: 16_384,
  headers: 32,
  headerValue: 4096,
  triggers: 50,
  timeoutMs: { min: 100, max: 30_000, default: 10_000 },
  maxRunsPerHour: { min: 1, max: 1000, default: 10 },
  retries: { min: 0, max: 5, default: 2 },
  afterMinutes: 1440,
} as const;

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
export { REDACTED };

// RFC 9110 token; the transport's own headers and promduty's signature headers are promduty's to set.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const RESERVED_HEADERS = /^(host|content-length|connection|transfer-encoding|keep-alive|upgrade|te|trailer|idempotency-key|x-promduty-.*)$/i;

const templateText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const c = compileTemplate(s);
      if (isProblem(c)) ctx.addIssue({ code: 'custom', message: `not a valid template: ${c.message}` });
    });

// The scheme is literal, so no label value can turn the call into another kind of request.
const urlTemplate = templateText(ACTION_LIMITS.url).refine((s) => /^https?:\/\/[^/{\s]/i.test(s.trim()), 'must start with http:// or https:// and a host (not a template)');

const headers = z
  .unknown()
  .superRefine((v, ctx) => {
    if (v && typeof v === 'object' && Object.keys(v).length > ACTION_LIMITS.headers) ctx.addIssue({ code: 'custom', message: `at most ${ACTION_LIMITS.headers} headers` });
  })
  .pipe(
    z
      .record(
        z.string(),
        z
          .string()
          .max(ACTION_LIMITS.headerValue, `must be at most ${ACTION_LIMITS.headerValue} characters`)
          .refine((v) => !/[\r\n\0]/.test(v), 'must not hold line breaks'),
      )
      // Key problems checked here rather than in the record's key schema, whose messages zod drops.
      .superRefine((h, ctx) => {
        for (const k of Object.keys(h)) {
          if (!HEADER_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'must be an HTTP header name' });
          else if (RESERVED_HEADERS.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'is set by promduty' });
        }
      }),
  );

const id = z.number().int().positive();
export const triggerSchema = z
  .object({
    ruleId: id.optional(),
    sendGroupId: id.optional(),
    mode: z.enum(['auto', 'button']),
    afterMinutes: z.number().int().min(0).max(ACTION_LIMITS.afterMinutes, `must be 0-${ACTION_LIMITS.afterMinutes}`).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.ruleId === undefined) === (t.sendGroupId === undefined)) ctx.addIssue({ code: 'custom', message: 'name exactly one of ruleId and sendGroupId' });
    if (t.mode === 'button' && t.afterMinutes) ctx.addIssue({ code: 'custom', path: ['afterMinutes'], message: 'only automatic runs wait; a button runs when clicked' });
  });
export type TriggerInput = z.output<typeof triggerSchema>;

const fields = {
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit (it is typed in /actions run)'),
  description: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  enabled: z.boolean().optional(),
  method: z.enum(METHODS).optional(),
  url: urlTemplate,
  headers: headers.optional(),
  body: templateText(ACTION_LIMITS.body).nullable().optional(),
  secret: z.union([z.literal(REDACTED), z.string().min(16, 'must be at least 16 characters').max(255, 'must be at most 255 characters')]).nullable().optional(),
  timeoutMs: z.number().int().min(ACTION_LIMITS.timeoutMs.min).max(ACTION_LIMITS.timeoutMs.max, `must be ${ACTION_LIMITS.timeoutMs.min}-${ACTION_LIMITS.timeoutMs.max}`).optional(),
  maxRunsPerHour: z.number().int().min(ACTION_LIMITS.maxRunsPerHour.min).max(ACTION_LIMITS.maxRunsPerHour.max, `must be 1-${ACTION_LIMITS.maxRunsPerHour.max}`).optional(),
  retries: z.number().int().min(ACTION_LIMITS.retries.min).max(ACTION_LIMITS.retries.max, `must be 0-${ACTION_LIMITS.retries.max}`).optional(),
  triggers: z.array(triggerSchema).max(ACTION_LIMITS.triggers, `at most ${ACTION_LIMITS.triggers} triggers`).optional(),
};

/** On create the placeholder shown for secrets is refused: it would be stored as the secret. */
const noPlaceholder = (a: { secret?: string | null; headers?: Record<string, string> }, ctx: z.RefinementCtx) => {
  if (a.secret === REDACTED) ctx.addIssue({ code: 'custom', path: ['secret'], message: `${REDACTED} is the placeholder the API shows; send the real secret` });
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    if (v === REDACTED) ctx.addIssue({ code: 'custom', path: ['headers', k], message: `${REDACTED} is the placeholder the API shows; send the real value` });
  }
};
export const actionCreateSchema = z.object(fields).strict().superRefine(noPlaceholder);
export const actionUpdateSchema = z.object(fields).partial().strict();
export type ActionInput = z.output<typeof actionCreateSchema>;
export type ActionPatch = z.output<typeof actionUpdateSchema>;

/**
 * Secrets after a patch: a value sent back as the placeholder keeps the stored one (so a client
 * may PUT back what it read); headers left out are dropped, as the patch replaces the map.
 */
export function mergeSecrets(stored: { headers: Record<string, string>; secret: string | null }, patch: ActionPatch): { headers?: Record<string, string>; secret?: string | null } {
  const out: { headers?: Record<string, string>; secret?: string | null } = {};
  if (patch.headers !== undefined) {
    out.headers = Object.fromEntries(Object.entries(patch.headers).map(([k, v]) => [k, v === REDACTED ? (stored.headers[k] ?? '') : v]).filter(([, v]) => v !== ''));
  }
  if (patch.secret !== undefined && patch.secret !== REDACTED) out.secret = patch.secret;
  return out;
}
