import type Router from '@koa/router';
import { idParam } from '../../core/names';
import { parseInput } from '../../core/validate';
import type { PoolConfigService } from '../../publish/pool-config';
import type { AlertRuleService } from '../../rules/alert-rules';
import type { RecordRuleService } from '../../rules/record-rules';

/**
 * Where rules run (issue 14): `GET /api/v1/pools/:id/topology` (role, engine, replicas, whether
 * the rules' data is complete, each evaluator's share and vmalert's flags) and
 * `GET /api/v1/alert-rules/:id/placement` / `record-rules/:id/placement`.
 */
export function topologyRoutes(router: Router, configs: PoolConfigService, alertRules: AlertRuleService, recordRules: RecordRuleService): void {
  router.get('/api/v1/pools/:id/topology', async (ctx) => {
    ctx.body = await configs.topology(parseInput(idParam, ctx.params.id, 'id'));
  });
  router.get('/api/v1/alert-rules/:id/placement', async (ctx) => {
    const rule = await alertRules.get(parseInput(idParam, ctx.params.id, 'id'));
    ctx.body = await configs.rulePlacement({ kind: 'alert', ...rule });
  });
  router.get('/api/v1/record-rules/:id/placement', async (ctx) => {
    const rule = await recordRules.get(parseInput(idParam, ctx.params.id, 'id'));
    ctx.body = await configs.rulePlacement({ kind: 'record', ...rule });
  });
}
