import { sha256Hex } from '../core/hashing';
import { sortedRecord } from '../core/sorted-record';
import type { InstanceSpec, JobSpec, KubernetesDiscovery, RenderContext, RenderedFile, ShardingMode } from './model';
import { parseRelabelConfigs, type RelabelConfig } from './relabel';
import { assignTargets, hashmodRelabels, type Shard } from './sharding';
import type { YamlMap, YamlValue } from '../core/yaml';

/** Everything a job's scrape_config depends on besides the job itself. */
export interface ScrapeConfigContext {
  mode: ShardingMode;
  instance: InstanceSpec;
  /** This instance's shard; null for a standby instance. */
  shard: Shard | null;
  /** Addresses of the instances that share targets (consistent mode assigns among these). */
  memberAddresses: string[];
  ctx: RenderContext;
}

/**
 * Consistent mode: a tag of the shard members, carried in every instance's http_sd URL. The
 * server ignores it; it is there so that a membership change changes every instance's
 * prometheus.yml. Without it the survivors' files stay the same, they are not reloaded, and
 * they learn their new share only at http_sd's next refresh (Prometheus' default
 * refresh_interval, 60 s): a dead instance's targets went unscraped and a new instance's
 * targets were scraped twice for that long. A changed URL makes the reload start a new
 * discoverer, which asks at once.
 */
export const membersTag = (memberAddresses: readonly string[]): string => sha256Hex([...memberAddresses].sort().join(',')).slice(0, 12);

export const sdUrl = (publicUrl: string, jobId: number): string => `${publicUrl.replace(/\/+$/, '')}/api/v1/sd/jobs/${jobId}`;
export const k8sCaPath = (jobId: number): string => `k8s/${jobId}-ca.crt`;
export const k8sTokenPath = (jobId: number): string => `k8s/${jobId}.token`;

/**
 * `authorization` blocks always state `type: Bearer`: Prometheus 2.42's http_sd leaves the
 * type empty when it is omitted and sends `Authorization: <token>` without the scheme.
 */
export const bearer = (credentials: string): YamlMap => ({ type: 'Bearer', credentials });
export const bearerFile = (path: string): YamlMap => ({ type: 'Bearer', credentials_file: path });

/**
 * One job's scrape_config, plus any files it references (kubernetes credentials). Relabel
 * order: the port rewrite first (so the user's rules see, and may override, the final
 * address), then the user's rules, then sharding last so the hash is taken on the address
 * actually scraped: two discovered addresses that end up as the same target always land on
 * the same shard. Only kubernetes targets need the port rewrite: http_sd serves
 * `ip:<job port>` already, static targets carry their own port.
 */
export function renderScrapeConfig(job: JobSpec, sc: ScrapeConfigContext): { config: YamlMap; files: RenderedFile[] } {
  const { discovery } = job;
  const sd = discoveryConfig(job, sc);
  // Targets promduty knows are assigned by it in consistent mode; kubernetes targets it never
  // sees, so those are hashmod-sharded in both modes.
  const sharded = sc.mode === 'hashmod' || discovery.kind === 'kubernetes_sd';
  const relabels: RelabelConfig[] = [
    ...(discovery.kind === 'kubernetes_sd' && job.port !== null ? portRelabels(job.port) : []),
    ...parseRelabelConfigs(job.relabelConfigs, `jobs[${job.id}].relabel_configs`),
    ...(sharded ? hashmodRelabels(sc.shard) : []),
  ];
  const config: YamlMap = {
    job_name: job.name,
    honor_labels: job.honorLabels || undefined,
    scrape_interval: job.scrapeInterval ?? undefined,
    scrape_timeout: job.scrapeTimeout ?? undefined,
    metrics_path: job.metricsPath,
    scheme: job.scheme,
    ...sd.config,
    relabel_configs: relabels.length ? relabels.map(orderedRelabel) : undefined,
  };
  return { config, files: sd.files };
}

function discoveryConfig(job: JobSpec, sc: ScrapeConfigContext): { config: YamlMap; files: RenderedFile[] } {
  const { discovery } = job;
  if (discovery.kind === 'http_sd') {
    let url = sdUrl(sc.ctx.publicUrl, job.id);
    if (sc.mode === 'consistent') url += `?instance=${encodeURIComponent(sc.instance.address)}&members=${membersTag(sc.memberAddresses)}`;
    return { config: { http_sd_configs: [{ url, authorization: bearer(sc.ctx.sdToken) }] }, files: [] };
  }
  if (discovery.kind === 'static') {
    const targets =
      sc.mode === 'consistent' ? (assignTargets(discovery.targets, sc.memberAddresses).get(sc.instance.address) ?? []) : discovery.targets;
    const labels = discovery.labels && Object.keys(discovery.labels).length ? sortedRecord(discovery.labels) : undefined;
    return { config: { static_configs: [{ targets, labels }] }, files: [] };
  }
  const k8s = kubernetesSdConfig(job.id, discovery);
  return { config: { kubernetes_sd_configs: [k8s.config] }, files: k8s.files };
}

function kubernetesSdConfig(jobId: number, d: KubernetesDiscovery): { config: YamlMap; files: RenderedFile[] } {
  const namespaces = d.namespaces?.length ? { names: [...d.namespaces].sort() } : undefined;
  // In-cluster, Prometheus uses its pod's service account and ignores anything given here.
  if (d.inCluster) return { config: { role: d.role, namespaces }, files: [] };
  const files: RenderedFile[] = [];
  if (d.caCert) files.push({ path: k8sCaPath(jobId), content: withNewline(d.caCert), mode: 0o644 });
  if (d.bearerToken) files.push({ path: k8sTokenPath(jobId), content: withNewline(d.bearerToken.trim()), mode: 0o640 });
  const tls = d.caCert || d.insecureSkipVerify ? { ca_file: d.caCert ? k8sCaPath(jobId) : undefined, insecure_skip_verify: d.insecureSkipVerify || undefined } : undefined;
  const config: YamlMap = {
    role: d.role,
    api_server: d.apiServer || undefined,
    authorization: d.bearerToken ? bearerFile(k8sTokenPath(jobId)) : undefined,
    tls_config: tls,
    namespaces,
  };
  return { config, files };
}

/**
 * Rewrite the port of every discovered address, keeping the host: bare IPv6 pod addresses
 * (kubernetes gives a pod without declared ports as its bare IP) get brackets first, then
 * `host`, `host:port` and `[v6]:port` all become `host:<port>`.
 */
export function portRelabels(port: number): RelabelConfig[] {
  return [
    { source_labels: ['__address__'], regex: '([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*)', target_label: '__address__', replacement: `[$1]:${port}`, action: 'replace' },
    { source_labels: ['__address__'], regex: String.raw`(\[[^\]]+\]|[^:]+)(?::\d+)?`, target_label: '__address__', replacement: `$1:${port}`, action: 'replace' },
  ];
}

const RELABEL_KEY_ORDER = ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action'] as const;

/** Same key order whatever order the rule was built in, so the rendered text (and its hash) is stable. */
function orderedRelabel(r: RelabelConfig): YamlMap {
  return Object.fromEntries(RELABEL_KEY_ORDER.map((k): [string, YamlValue | undefined] => [k, r[k]]));
}


const withNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
