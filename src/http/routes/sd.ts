import type Router from '@koa/router';
import { z } from 'zod';
import { hostPort } from '../../core/names';
import { parseInput } from '../../core/validate';
import type { SdService } from '../../scrape/sd-service';
import { routeId } from '../crud';

const sdQuery = z.object({ instance: hostPort.optional() });

/** `GET /api/v1/sd/jobs/:id` — Prometheus http_sd; bearer SD_TOKEN (set by the router). */
export function sdRoutes(router: Router, sd: SdService): void {
  router.get('/api/v1/sd/jobs/:id', async (ctx) => {
    const { instance } = parseInput(sdQuery, ctx.query, 'query');
    ctx.type = 'application/json';
    ctx.body = await sd.targetGroupsJson(routeId(ctx.params), instance);
  });
}
