import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import type { UserService } from '../../users/users';
import { crudRoutes } from '../crud';

const listQuery = z.object({ role: z.enum(['admin', 'editor', 'viewer']).optional() });

export function userRoutes(router: Router, users: UserService): void {
  crudRoutes(router, '/api/v1/users', {
    list: (q) => users.list(parseInput(listQuery, q, 'query')),
    get: (id) => users.get(id),
    create: (body, actor) => users.create(body, actor),
    createMany: (items, actor) => users.createMany(items, actor),
    update: (id, body, actor) => users.update(id, body, actor),
    delete: (id, _q, actor) => users.delete(id, actor),
  });
}
