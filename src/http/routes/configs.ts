import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PoolConfigService } from '../../publish/pool-config';
import { routeId } from '../crud';

/** Serves text with a strong ETag so pullers can ask `If-None-Match` and get a 304. */
export function sendVersioned(ctx: Context, file: { content: string; hash: string }, type: string): void {
  const etag = `"${file.hash}"`;
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', 'no-cache');
  if (ctx.get('if-none-match') === etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.body = file.content;
}

/**
 * Pull mode for Prometheus hosts: `…/prometheus.yml`, `…/rules.yml`, `…/records.yml`, the
 * file list (`…/files`, with hashes) and any other file by path (`…/files/k8s/7.token`).
 */
export function configRoutes(router: Router, configs: PoolConfigService): void {
  const base = '/api/v1/pools/:poolId/instances/:instance';
  router.get(`${base}/files`, async (ctx) => {
    const f = await configs.instanceFiles(routeId(ctx.params, 'poolId'), ctx.params.instance!);
    ctx.body = { items: f.files.map(({ path, hash }) => ({ path, hash })) };
  });
  router.get(`${base}/files/*path`, async (ctx) => {
    sendVersioned(ctx, await configs.file(routeId(ctx.params, 'poolId'), ctx.params.instance!, ctx.params.path!), 'text/plain');
  });
  for (const name of ['prometheus.yml', 'rules.yml', 'records.yml']) {
    router.get(`${base}/${name}`, async (ctx) => {
      sendVersioned(ctx, await configs.file(routeId(ctx.params, 'poolId'), ctx.params.instance!, name), 'application/yaml');
    });
  }
}
