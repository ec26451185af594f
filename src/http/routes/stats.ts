import type Router from '@koa/router';
import { z } from 'zod';
import { idParam } from '../../core/names';
import { parseInput } from '../../core/validate';
import { parseStatsDays, type StatsService } from '../../stats/service';
import { queryOf } from '../crud';

const statsQuery = z.object({ sendGroupId: idParam.optional(), days: z.string().optional() }).strict();

/**
 * `GET /api/v1/stats?sendGroupId=&days=7|30`: the figures /stats shows (every send group
 * without `sendGroupId`), as JSON.
 */
export function statsRoutes(router: Router, stats: StatsService): void {
  router.get('/api/v1/stats', async (ctx) => {
    const q = parseInput(statsQuery, queryOf(ctx.query), 'query');
    ctx.body = await stats.report({ sendGroupId: q.sendGroupId ?? null, days: parseStatsDays(q.days, 'days') });
  });
}
