import type Router from '@koa/router';
import { apiActor } from '../../db/audit';
import type { DeadLetterReplay } from '../../events/dead-letter-replay';
import { crudRoutes, routeId } from '../crud';

const BASE = '/api/v1/alerts/dead-letters';

/**
 * Alert notifications accepted but not stored (admin token): `GET` lists them newest first
 * (`?state=open|replayed|discarded|all`, `?limit=`), `GET /:id` adds the notification,
 * `POST /:id/retry` stores it again now (the answer says how it went), `DELETE /:id` gives
 * up on it (204; the row stays on record).
 */
export function deadLetterRoutes(router: Router, deadLetters: DeadLetterReplay): void {
  crudRoutes(router, BASE, {
    list: (q) => deadLetters.list(q),
    get: (id) => deadLetters.get(id),
    delete: (id, _q, actor) => deadLetters.discard(id, actor),
  });
  router.post(`${BASE}/:id/retry`, async (ctx) => {
    ctx.body = await deadLetters.retry(routeId(ctx.params), apiActor);
  });
}
