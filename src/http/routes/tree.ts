import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import { apiActor } from '../../db/audit';
import type { TreeService } from '../../inventory/tree';
import type { HostService } from '../../inventory/hosts';
import { crudRoutes, routeId } from '../crud';

const deleteQuery = z.object({ recursive: z.enum(['true', 'false']).optional() });
const hostIdsBody = z.object({ hostIds: z.array(z.number().int().positive()).min(1, 'must name at least one host') }).strict();

export function treeRoutes(router: Router, tree: TreeService, hosts: HostService): void {
  router.get('/api/v1/tree/leaves', async (ctx) => {
    ctx.body = { items: await tree.leaves() };
  });
  crudRoutes(router, '/api/v1/tree/nodes', {
    list: () => tree.list(),
    get: (id) => tree.get(id),
    create: (body, actor) => tree.create(body, actor),
    update: (id, body, actor) => tree.update(id, body, actor),
    delete: (id, q, actor) => tree.delete(id, { recursive: parseInput(deleteQuery, q, 'query').recursive === 'true' }, actor),
  });
  router.get('/api/v1/tree/nodes/:id/hosts', async (ctx) => {
    const id = routeId(ctx.params);
    await tree.get(id);
    ctx.body = { items: await hosts.list({ nodeId: id }) };
  });
  router.post('/api/v1/tree/nodes/:id/hosts', async (ctx) => {
    const id = routeId(ctx.params);
    await tree.get(id);
    await hosts.bind(id, parseInput(hostIdsBody, ctx.request.body, 'binding').hostIds, apiActor);
    ctx.body = { items: await hosts.list({ nodeId: id }) };
  });
  router.delete('/api/v1/tree/nodes/:id/hosts', async (ctx) => {
    const id = routeId(ctx.params);
    await hosts.unbind(id, parseInput(hostIdsBody, ctx.request.body, 'binding').hostIds, apiActor);
    ctx.status = 204;
  });
  crudRoutes(router, '/api/v1/hosts', {
    list: () => hosts.list(),
    get: (id) => hosts.get(id),
    create: (body, actor) => hosts.create(body, actor),
    createMany: (items, actor) => hosts.createMany(items, actor),
    update: (id, body, actor) => hosts.update(id, body, actor),
    delete: (id, _q, actor) => hosts.delete(id, actor),
  });
}
