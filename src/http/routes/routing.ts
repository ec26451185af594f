import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import type { ClusterConfigService } from '../../publish/cluster-snapshot';
import type { ClusterService } from '../../routing/clusters';
import type { SendGroupService } from '../../routing/send-groups';
import { crudRoutes, routeId } from '../crud';
import { batchRoutes } from './batch';
import { sendVersioned } from './configs';

const sendGroupsQuery = z.object({
  alertmanagerClusterId: z.coerce.number().int().positive().optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

/** Admin API: Alertmanager clusters and send groups (batch enable/disable). */
export function routingRoutes(router: Router, clusters: ClusterService, sendGroups: SendGroupService): void {
  crudRoutes(router, '/api/v1/alertmanager-clusters', {
    list: () => clusters.list(),
    get: (id) => clusters.get(id),
    create: (body, actor) => clusters.create(body, actor),
    update: (id, body, actor) => clusters.update(id, body, actor),
    delete: (id, _q, actor) => clusters.delete(id, actor),
  });
  batchRoutes(router, '/api/v1/send-groups', { setEnabled: (ids, enabled, actor) => sendGroups.setEnabled(ids, enabled, actor) });
  crudRoutes(router, '/api/v1/send-groups', {
    list: (q) => sendGroups.list(parseInput(sendGroupsQuery, q, 'query')),
    get: (id) => sendGroups.get(id),
    create: (body, actor) => sendGroups.create(body, actor),
    update: (id, body, actor) => sendGroups.update(id, body, actor),
    delete: (id, _q, actor) => sendGroups.delete(id, actor),
  });
}

/**
 * Pull mode for Alertmanager hosts (on the Prometheus-facing router: SD or admin token):
 * the cluster's alertmanager.yml with an ETag, rendered from the current database.
 */
export function alertmanagerConfigRoutes(router: Router, configs: ClusterConfigService): void {
  router.get('/api/v1/alertmanager-clusters/:id/alertmanager.yml', async (ctx) => {
    sendVersioned(ctx, await configs.file(routeId(ctx.params)), 'application/yaml');
  });
}
