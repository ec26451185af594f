import { publishPool } from '../../publish/pool';
import { PUBLISH_POOL, poolDedupId } from '../config-publisher';
import { publishProcessor } from '../publish-processor';

export const publishPoolProcessor = publishProcessor({
  name: PUBLISH_POOL,
  kind: 'prometheus',
  idField: 'poolId',
  dedupId: poolDedupId,
  table: 'scrape_pools',
  publish: (ctx, id) => publishPool({ ...ctx, configDir: ctx.settings.configDir, publicUrl: ctx.settings.publicUrl, sdToken: ctx.settings.sdToken }, id),
});
