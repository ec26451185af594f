import type Router from '@koa/router';
import type { ActionService } from '../../remedy/actions';
import { crudRoutes } from '../crud';

/** Admin API: remediation actions (secrets shown as [redacted]; template errors are 400s on save). */
export function actionRoutes(router: Router, actions: ActionService): void {
  crudRoutes(router, '/api/v1/actions', {
    list: () => actions.list(),
    get: (id) => actions.get(id),
    create: (body, actor) => actions.create(body, actor),
    update: (id, body, actor) => actions.update(id, body, actor),
    delete: (id, _q, actor) => actions.delete(id, actor),
  });
}
