import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import { apiActor } from '../../db/audit';
import type { OncallGroupService } from '../../oncall/groups';
import type { OncallService } from '../../oncall/roster-service';
import type { SwapService } from '../../oncall/swaps';
import { crudRoutes, queryOf, routeId } from '../crud';

const rosterQuery = z.object({ from: z.string(), to: z.string() }).strict();

export interface OncallRouteDeps {
  oncallGroups: OncallGroupService;
  oncall: OncallService;
  oncallSwaps: SwapService;
}

export function oncallRoutes(router: Router, d: OncallRouteDeps): void {
  const { oncallGroups: groups, oncall, oncallSwaps: swaps } = d;
  crudRoutes(router, '/api/v1/oncall-groups', {
    list: () => groups.list(),
    get: (id) => groups.get(id),
    create: (body, actor) => groups.create(body, actor),
    update: (id, body, actor) => groups.update(id, body, actor),
    delete: (id, _q, actor) => groups.delete(id, actor),
  });

  router.get('/api/v1/oncall-groups/:id/roster', async (ctx) => {
    const q = parseInput(rosterQuery, queryOf(ctx.query), 'query');
    ctx.body = await oncall.roster(routeId(ctx.params), q.from, q.to);
  });

  router.get('/api/v1/oncall-groups/:id/now', async (ctx) => {
    ctx.body = await oncall.current(routeId(ctx.params));
  });

  router.get('/api/v1/oncall-groups/:id/swaps', async (ctx) => {
    ctx.body = { items: await swaps.list(routeId(ctx.params), queryOf(ctx.query)) };
  });

  router.post('/api/v1/oncall-groups/:id/swaps', async (ctx) => {
    ctx.status = 201;
    ctx.body = await swaps.create(routeId(ctx.params), ctx.request.body, apiActor);
  });

  crudRoutes(router, '/api/v1/oncall-swaps', {
    get: (id) => swaps.get(id),
    // Cancels (the row stays, with cancelledAt/cancelledBy): a swap is part of the roster's story.
    delete: (id, _q, actor) => swaps.cancel(id, actor),
  });
}
