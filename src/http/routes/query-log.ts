import type Router from '@koa/router';
import { z } from 'zod';
import { AppError } from '../../core/errors';
import { apiActor } from '../../db/audit';
import { idParam } from '../../core/names';
import { parseInput } from '../../core/validate';
import { QUERY_LOG_LIMITS } from '../../querylog/parse';
import type { QueryLogService } from '../../querylog/service';
import { queryOf, routeId } from '../crud';
import { readBodyText } from '../read-json';

/**
 * `POST /api/v1/pools/:poolId/instances/:instance/query-log` (SD token): a piece of an
 * instance's Prometheus query log, as the lines of the file (scripts/push-query-log.sh sends
 * them). At most 1 MiB and 10,000 lines a request (413 beyond).
 */
export function queryLogRoutes(router: Router, queryLog: QueryLogService): void {
  router.post('/api/v1/pools/:poolId/instances/:instance/query-log', async (ctx) => {
    // The shared parser takes JSON bodies before any route: the log must come as text.
    if (ctx.request.is('json') || ctx.req.readableEnded) throw new AppError('unsupported_media_type', 'send the query log as text/plain or application/x-ndjson');
    const text = await readBodyText(ctx, QUERY_LOG_LIMITS.bodyBytes);
    ctx.body = await queryLog.ingest(routeId(ctx.params, 'poolId'), ctx.params.instance!, text);
  });
}

const suggestQuery = z.object({ poolId: idParam, limit: z.coerce.number().int().min(1).max(20).default(5) }).strict();
const acceptBody = z.object({ poolId: z.number().int().positive(), query: z.string().regex(/^[0-9a-f]{16,64}$/, 'must be a query hash (hex)'), index: z.number().int().min(0).max(50).default(0) }).strict();

/**
 * Admin API of /rules suggest: `GET /api/v1/rule-suggestions?poolId=&limit=` ranks the
 * pool's logged queries; `POST /api/v1/rule-suggestions/accept {poolId, query, index}` creates
 * the record rule (201; 200 when it exists already).
 */
export function ruleSuggestionRoutes(router: Router, queryLog: QueryLogService): void {
  router.get('/api/v1/rule-suggestions', async (ctx) => {
    const q = parseInput(suggestQuery, queryOf(ctx.query), 'query');
    ctx.body = await queryLog.suggest(q.poolId, q.limit);
  });
  router.post('/api/v1/rule-suggestions/accept', async (ctx) => {
    const b = parseInput(acceptBody, ctx.request.body, 'body');
    const r = await queryLog.accept(b.poolId, b.query, b.index, apiActor);
    ctx.status = r.created ? 201 : 200;
    ctx.body = r;
  });
}
