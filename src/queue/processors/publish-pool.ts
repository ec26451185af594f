import { publishPool } from '../../publish/pool';
import { PUBLISH_POOL, poolDedupId } from '../config-publisher';
import type { WorkerContext } from '../context';
import { publishProcessor, type PublishJobContext } from '../publish-processor';

export const publishPoolProcessor = publishProcessor<
  PublishJobContext & Pick<WorkerContext, 'settings' | 'jobs' | 'lifecycle' | 'clock' | 'logger' | 'configCheck'>
>({
  name: PUBLISH_POOL,
  kind: 'prometheus',
  idField: 'poolId',
  dedupId: poolDedupId,
  table: 'scrape_pools',
  publish: (ctx, id) => publishPool({ ...ctx, configDir: ctx.settings.configDir, publicUrl: ctx.settings.publicUrl, sdToken: ctx.settings.sdToken }, id),
});
