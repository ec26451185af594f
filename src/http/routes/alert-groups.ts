import type Router from '@koa/router';
import type { AlertGroupQueries } from '../../events/group-api';
import { crudRoutes } from '../crud';

/** Alert groups (incidents) with their events (admin token): `GET` lists, `GET /:id` has every event and the timeline. */
export function alertGroupRoutes(router: Router, groups: AlertGroupQueries): void {
  crudRoutes(router, '/api/v1/alert-groups', { list: (q) => groups.list(q), get: (id) => groups.get(id) });
}
