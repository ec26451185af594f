import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import type { AlertRuleService } from '../../rules/alert-rules';
import { validatePromql } from '../../rules/promql';
import type { RecordRuleService } from '../../rules/record-rules';
import { crudRoutes } from '../crud';
import { batchRoutes } from './batch';

const optionalId = z.coerce.number().int().positive().optional();
const alertRulesQuery = z.object({
  poolId: optionalId,
  sendGroupId: optionalId,
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().max(200, 'must be at most 200 characters').optional(),
});
const recordRulesQuery = alertRulesQuery.omit({ sendGroupId: true });

/** `forRule` (default true): also require what a rule can evaluate to (instant vector or scalar). */
const validateBody = z.object({ expr: z.string().max(65_535, 'must be at most 65535 characters'), forRule: z.boolean().default(true) }).strict();

/**
 * Alert and record rules (list filters `poolId`, `sendGroupId`, `enabled`, `q`; batch
 * enable/disable/delete) and `POST /api/v1/promql/validate`.
 */
export function ruleRoutes(router: Router, alertRules: AlertRuleService, recordRules: RecordRuleService): void {
  router.post('/api/v1/promql/validate', (ctx) => {
    const { expr, forRule } = parseInput(validateBody, ctx.request.body, 'body');
    ctx.body = validatePromql(expr, { forRule });
  });
  for (const [base, service, query] of [
    ['/api/v1/alert-rules', alertRules, alertRulesQuery],
    ['/api/v1/record-rules', recordRules, recordRulesQuery],
  ] as const) {
    batchRoutes<unknown>(router, base, { setEnabled: (ids, enabled, actor) => service.setEnabled(ids, enabled, actor), deleteMany: (ids, actor) => service.deleteMany(ids, actor) });
    crudRoutes<unknown>(router, base, {
      list: (q) => service.list(parseInput(query, q, 'query')),
      get: (id) => service.get(id),
      create: (body, actor) => service.create(body, actor),
      update: (id, body, actor) => service.update(id, body, actor),
      delete: (id, _q, actor) => service.delete(id, actor),
    });
  }
}
