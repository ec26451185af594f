import { conflict } from '../core/errors';
import { toYaml, type YamlMap } from '../core/yaml';
import type { InstanceSpec, JobSpec, PoolSpec, RemoteEndpoint, RenderContext, RenderedFile } from './model';
import { sortedRecord } from '../core/sorted-record';
import { bearer, renderScrapeConfig, type ScrapeConfigContext } from './scrape-config';
import { shardMembers, shardOf } from './sharding';
import { evaluates, filterExternalLabelsOf, readRecentOf, roleOf, scrapes } from './topology';

/**
 * prometheus.yml for one instance of a pool (design flow 1), plus the files it refers to.
 *
 * External labels: every instance gets `promduty_pool: <pool name>` and `promduty_shard:
 * <index>` (`standby` for an instance outside the shard set), overriding user labels of the
 * same name. They keep series from different shards apart in a shared remote store.
 * Alerts drop `promduty_shard` (alert_relabel_configs): a rule moves to another instance when
 * health changes, and its alerts must keep their fingerprint in Alertmanager and promduty.
 *
 * Role (topology.ts): a `scrape` pool renders no rules and no alerting; an `evaluate` pool no
 * scrape jobs and no shard label (its instances are replicas, not shards: a record rule they
 * both evaluate writes one series to the central store), and its remote_read always reads
 * recent data and does not filter by the evaluator's own external labels.
 */
export const PROMETHEUS_CONFIG_FILE = 'prometheus.yml';
export const POOL_LABEL = 'promduty_pool';
export const SHARD_LABEL = 'promduty_shard';
export const STANDBY_SHARD = 'standby';

export function renderPrometheusConfig(
  pool: PoolSpec,
  instance: InstanceSpec,
  allInstances: readonly InstanceSpec[],
  jobs: readonly JobSpec[],
  ctx: RenderContext,
): RenderedFile[] {
  const shard = shardOf(instance.id, allInstances);
  const sc: ScrapeConfigContext = {
    mode: pool.sharding,
    instance,
    shard,
    memberAddresses: shardMembers(allInstances).map((i) => i.address),
    ctx,
  };
  const role = roleOf(pool);
  const enabled = scrapes(role) ? jobs.filter((j) => j.enabled).sort((a, b) => a.id - b.id) : [];
  assertUniqueNames(enabled);
  const rendered = enabled.map((job) => renderScrapeConfig(job, sc));

  const doc: YamlMap = {
    global: {
      scrape_interval: pool.scrapeInterval,
      scrape_timeout: pool.scrapeTimeout,
      evaluation_interval: pool.evaluationInterval,
      // For /rules suggest: the sidecar (scripts/push-query-log.sh) sends it to promduty.
      query_log_file: pool.queryLogFile || undefined,
      external_labels: sortedRecord({
        ...pool.externalLabels,
        [POOL_LABEL]: pool.name,
        ...(role === 'evaluate' ? {} : { [SHARD_LABEL]: shard ? String(shard.index) : STANDBY_SHARD }),
      }),
    },
    rule_files: ctx.ruleFiles.length && evaluates(role) ? ctx.ruleFiles : undefined,
    alerting: evaluates(role) ? alerting(pool, ctx) : undefined,
    scrape_configs: rendered.map((r) => r.config),
    remote_write: remote(pool.remoteWrite),
    remote_read: remote(pool.remoteRead, role === 'evaluate'),
  };
  const header = `# Rendered by promduty for pool ${JSON.stringify(pool.name)}, instance ${instance.address}. Edits here are overwritten.\n`;
  return [{ path: PROMETHEUS_CONFIG_FILE, content: header + toYaml(doc), mode: 0o640 }, ...rendered.flatMap((r) => r.files)];
}

function alerting(pool: PoolSpec, ctx: RenderContext): YamlMap | undefined {
  if (!pool.alertRulesEnabled || ctx.alertmanagers.length === 0) return undefined;
  return {
    alert_relabel_configs: [{ regex: SHARD_LABEL, action: 'labeldrop' }],
    alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [...ctx.alertmanagers].sort() }] }],
  };
}

/** remote_write / remote_read entries; `evaluator`: remote_read as an evaluate pool needs it (defaults from topology.ts). */
function remote(endpoints: readonly RemoteEndpoint[], evaluator = false): YamlMap[] | undefined {
  if (endpoints.length === 0) return undefined;
  return endpoints.map((e) => ({
    url: e.url,
    name: e.name || undefined,
    headers: e.headers && Object.keys(e.headers).length ? sortedRecord(e.headers) : undefined,
    authorization: e.bearerToken ? bearer(e.bearerToken) : undefined,
    read_recent: evaluator ? readRecentOf(e) : e.readRecent,
    filter_external_labels: evaluator ? filterExternalLabelsOf(e) : e.filterExternalLabels,
  }));
}

function assertUniqueNames(jobs: readonly JobSpec[]): void {
  const seen = new Map<string, number>();
  for (const job of jobs) {
    const other = seen.get(job.name);
    if (other !== undefined) throw conflict(`scrape jobs ${other} and ${job.id} are both named "${job.name}" in one pool`, { jobIds: [other, job.id] });
    seen.set(job.name, job.id);
  }
}
