import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Lifecycle } from '../instances/lifecycle';
import type { ConfigCheck } from './config-check';
import { publishFiles, type PublishResult } from './files';
import type { JobService } from '../scrape/jobs';
import { instanceDirName, renderPool } from './render-pool';
import { loadPoolSnapshot } from './pool-snapshot';
import { prometheusFlagProblems } from '../instances/prometheus-flags';

export interface PoolPublishDeps {
  db: Knex;
  jobs: JobService;
  lifecycle: Lifecycle;
  clock: Clock;
  logger: Logger;
  configDir: string;
  publicUrl: string;
  sdToken: string;
  configCheck?: ConfigCheck;
}

/** Flow 1 for a pool: snapshot → render → write what changed → reload → record. */
export async function publishPool(d: PoolPublishDeps, poolId: number): Promise<PublishResult[]> {
  const snapshot = await loadPoolSnapshot(d.db, d.jobs, poolId);
  const rendered = renderPool(snapshot, d);
  const results = await publishFiles(
    d,
    rendered.map((r) => ({
      kind: 'prometheus' as const,
      id: r.instanceId,
      address: r.address,
      dir: join(d.configDir, instanceDirName(snapshot.pool.name), instanceDirName(r.address)),
      configFile: r.configFile,
      rulesOnly: r.rulesOnly,
      files: r.files,
    })),
  );
  if (snapshot.pool.alertRulesEnabled) await warnAboutFlags(d, snapshot.pool.evaluationInterval, results);
  return results;
}

/** After a reload, says (in the log) when an instance runs with flags that delay new rules' first alerts. */
async function warnAboutFlags(d: PoolPublishDeps, evaluationInterval: string, results: PublishResult[]): Promise<void> {
  const reloaded = results.filter((x) => x.reloaded);
  const flags = await Promise.all(reloaded.map((r) => d.lifecycle.flags(r.address)));
  for (const [i, r] of reloaded.entries()) {
    const f = flags[i];
    for (const problem of f ? prometheusFlagProblems(f, evaluationInterval) : []) d.logger.warn({ address: r.address }, problem);
  }
}
