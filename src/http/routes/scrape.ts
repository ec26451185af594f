import type Router from '@koa/router';
import { z } from 'zod';
import { idList } from '../../core/names';
import { parseInput } from '../../core/validate';
import { apiActor } from '../../db/audit';
import type { JobService } from '../../scrape/jobs';
import type { PoolService } from '../../scrape/pools';
import { crudRoutes } from '../crud';

const cascadeQuery = z.object({ cascade: z.enum(['true', 'false']).optional() });
const jobsQuery = z.object({ poolId: z.coerce.number().int().positive().optional() });
const idsBody = z.object({ ids: idList }).strict();

export function scrapeRoutes(router: Router, pools: PoolService, jobs: JobService): void {
  crudRoutes(router, '/api/v1/pools', {
    list: () => pools.list(),
    get: (id) => pools.get(id),
    create: (body, actor) => pools.create(body, actor),
    update: (id, body, actor) => pools.update(id, body, actor),
    delete: (id, q, actor) => pools.delete(id, { cascade: parseInput(cascadeQuery, q, 'query').cascade === 'true' }, actor),
  });
  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    router.post(`/api/v1/scrape-jobs/${action}`, async (ctx) => {
      ctx.body = { items: await jobs.setEnabled(parseInput(idsBody, ctx.request.body, 'body').ids, enabled, apiActor) };
    });
  }
  crudRoutes(router, '/api/v1/scrape-jobs', {
    list: (q) => jobs.list(parseInput(jobsQuery, q, 'query')),
    get: (id) => jobs.get(id),
    create: (body, actor) => jobs.create(body, actor),
    update: (id, body, actor) => jobs.update(id, body, actor),
    delete: (id, _q, actor) => jobs.delete(id, actor),
  });
}
