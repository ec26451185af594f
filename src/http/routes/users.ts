import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import type { UserService } from '../../users/users';
import type { NotifySettingsService } from '../../paging/notify-settings';
import { apiActor } from '../../db/audit';
import { crudRoutes, routeId } from '../crud';

const listQuery = z.object({ role: z.enum(['admin', 'editor', 'viewer']).optional() });

export function userRoutes(router: Router, users: UserService, notify: Pick<NotifySettingsService, 'get' | 'set'>): void {
  // How the user is paged: per-severity rules, quiet hours in their zone (src/paging/model.ts).
  router.get('/api/v1/users/:id/notify-settings', async (ctx) => {
    ctx.body = await notify.get(routeId(ctx.params));
  });
  router.put('/api/v1/users/:id/notify-settings', async (ctx) => {
    ctx.body = await notify.set(routeId(ctx.params), ctx.request.body, apiActor);
  });
  crudRoutes(router, '/api/v1/users', {
    list: (q) => users.list(parseInput(listQuery, q, 'query')),
    get: (id) => users.get(id),
    create: (body, actor) => users.create(body, actor),
    createMany: (items, actor) => users.createMany(items, actor),
    update: (id, body, actor) => users.update(id, body, actor),
    delete: (id, _q, actor) => users.delete(id, actor),
  });
}
