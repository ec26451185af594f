import type { Say } from '../core/errors';
import { saidBoth, type MessageKey, type ParamsArg } from '../i18n';
import type { PoolRole, PoolSpec, RemoteEndpoint, RuleEngine } from './model';

/**
 * Where a pool's rules run and whether they see all their data (issue 14). Pure.
 *
 * A rule is only as good as the data its evaluator can query. In a pool whose instances
 * shard the scrape (hashmod / consistent), each instance holds 1/N of the targets: a rule
 * placed there sees a fraction (a `sum()` too low, a per-target rule silent for the other
 * shards). So rules run either on a pool that holds all its data locally (role `both`, one
 * instance), or on an `evaluate` pool reading a central store every collector writes to:
 * Prometheus through remote_read, or vmalert through the store's query API.
 */
export const POOL_ROLES = ['scrape', 'evaluate', 'both'] as const satisfies readonly PoolRole[];
export const RULE_ENGINES = ['prometheus', 'vmalert'] as const satisfies readonly RuleEngine[];

export const roleOf = (p: Pick<PoolSpec, 'role'>): PoolRole => p.role ?? 'both';
export const engineOf = (p: Pick<PoolSpec, 'ruleEngine'>): RuleEngine => p.ruleEngine ?? 'prometheus';
export const replicasOf = (p: Pick<PoolSpec, 'ruleReplicas'>): number => p.ruleReplicas ?? 1;
export const evaluates = (role: PoolRole): boolean => role !== 'scrape';
export const scrapes = (role: PoolRole): boolean => role !== 'evaluate';

/** remote_read as rendered for an evaluator: recent data always read from the store, no label filter. */
export const readRecentOf = (e: RemoteEndpoint): boolean => e.readRecent ?? true;
export const filterExternalLabelsOf = (e: RemoteEndpoint): boolean => e.filterExternalLabels ?? false;

export interface TopologyFields {
  role: PoolRole;
  ruleEngine: RuleEngine;
  ruleReplicas: number;
  instances: readonly string[];
  remoteRead: readonly RemoteEndpoint[];
  datasourceUrl: string | null;
}

/** A configuration refused: what is wrong (`message`, with the fix) and the field to change. */
export interface TopologyProblem {
  path: string;
  message: string;
}

const CENTRAL =
  'give the pool role "scrape" with remoteWrite to a central store (VictoriaMetrics), and put the rules on a pool with role "evaluate" ' +
  '(ruleEngine "vmalert" with datasourceUrl set to the store, or ruleEngine "prometheus" with remoteRead to a store that serves remote_read)';

/** Every way this pool's settings would let a rule see part of its data, or none. */
export function topologyProblems(p: TopologyFields): TopologyProblem[] {
  const out: TopologyProblem[] = [];
  const add = (path: string, reason: string, fix: string) => out.push({ path, message: `${reason}. Fix: ${fix}` });
  if (p.role === 'both' && p.ruleEngine === 'vmalert')
    add('ruleEngine', 'vmalert evaluates rules but does not scrape, so a pool with role "both" cannot use it', 'set role "evaluate" (and scrape with another pool of role "scrape")');
  if (p.ruleReplicas > 1 && p.role !== 'evaluate')
    add('ruleReplicas', `ruleReplicas ${p.ruleReplicas} places each rule on several evaluators, which only a pool with role "evaluate" has`, 'set role "evaluate", or ruleReplicas 1');
  if (p.role === 'both')
    p.remoteRead.forEach((e, i) => {
      // Prometheus answers a query from its own TSDB and from remote_read together; with the
      // filter off the store hands back this pool's own series (which it remote-writes) again.
      if (e.filterExternalLabels === false)
        add(`remoteRead[${i}].filterExternalLabels`, "a pool that scrapes and evaluates already holds its own series, and with filterExternalLabels false remote_read returns them from the store a second time, so sum() and count() double", 'leave filterExternalLabels out (Prometheus then reads only series with this pool\'s external labels), or give the pool role "evaluate"');
    });
  if (p.role !== 'evaluate') return out;
  if (p.ruleEngine === 'vmalert' && !p.datasourceUrl)
    add('datasourceUrl', 'vmalert needs the central store to query (its -datasource.url); without it the rules have no data', 'set datasourceUrl to the store, e.g. http://victoria-metrics:8428');
  if (p.ruleEngine === 'prometheus') {
    if (p.remoteRead.length === 0)
      add('remoteRead', 'a Prometheus that only evaluates scrapes nothing: without remote_read to a central store its rules see no data', `add remoteRead with the store's remote_read URL (VictoriaMetrics has none: use ruleEngine "vmalert" for it)`);
    p.remoteRead.forEach((e, i) => {
      if (!readRecentOf(e))
        add(`remoteRead[${i}].readRecent`, 'with readRecent false an evaluator stops reading recent data from the store once it has local blocks, and its rules go silent hours later', 'set readRecent true (or leave it out)');
      if (filterExternalLabelsOf(e))
        add(`remoteRead[${i}].filterExternalLabels`, "with filterExternalLabels true Prometheus asks the store only for series carrying the evaluator's own external labels, which the collectors' series do not", 'set filterExternalLabels false (or leave it out)');
    });
  }
  return out;
}

/** The refusal for rules on a pool with role both and several (sharded) instances. */
export const shardedRulesProblem = (instances: number): TopologyProblem => ({
  path: 'role',
  message: `each of this pool's ${instances} instances scrapes only its shard of the targets, so a rule placed on one would see about 1/${instances} of its data. Fix: ${CENTRAL}`,
});

/** The refusal for rules on a pool that only scrapes. */
export const scrapeOnlyRulesProblem: TopologyProblem = {
  path: 'poolId',
  message: `this pool only scrapes (role "scrape"), so nothing would evaluate the rule. Fix: put the rule on a pool with role "evaluate" or "both"`,
};

/** The refusal for scrape jobs on a pool that only evaluates. */
export const evaluateOnlyJobsProblem: TopologyProblem = {
  path: 'poolId',
  message: 'this pool only evaluates rules (role "evaluate"), so nothing would scrape the job. Fix: put the job on a pool with role "scrape" or "both"',
};

/** How the rules of a pool see their data: for the API and /rule. */
export interface RuleDataSource {
  /** Every series the rule asks for is in what its evaluator queries. */
  complete: boolean;
  /** One line: where the data comes from (English, for the API). */
  source: string;
  /** The same line for people, in the bot's language (`/rule N`). */
  say: Say;
}

const dataSource = <K extends MessageKey>(complete: boolean, key: K, ...params: ParamsArg<K>): RuleDataSource => {
  const { english, say } = saidBoth(key, ...params);
  return { complete, source: english, say };
};

export function ruleDataSource(p: PoolSpec, instanceCount: number): RuleDataSource {
  const role = roleOf(p);
  if (role === 'scrape') return dataSource(false, 'ruleData.scrapeOnly');
  if (role === 'both') return instanceCount > 1 ? dataSource(false, 'ruleData.sharded', { count: instanceCount }) : dataSource(true, 'ruleData.single');
  if (engineOf(p) === 'vmalert') return p.datasourceUrl ? dataSource(true, 'ruleData.vmalert', { url: p.datasourceUrl }) : dataSource(false, 'ruleData.noDatasource');
  const urls = p.remoteRead.map((e) => e.url);
  return urls.length ? dataSource(true, 'ruleData.remoteRead', { urls: urls.join(', ') }) : dataSource(false, 'ruleData.noRemoteRead');
}

/**
 * The command line each vmalert instance of an evaluate pool must run with: promduty writes
 * its rule files into `ruleDir` and reloads it through `/-/reload`; the rest wires it to the
 * central store (queries, alert state, record results) and to Alertmanager.
 */
export function vmalertFlags(p: PoolSpec, address: string, alertmanagers: readonly string[], ruleDir: string): string[] {
  const store = (p.datasourceUrl ?? '').replace(/\/+$/, '');
  const write = p.remoteWrite[0]?.url.replace(/\/api\/v1\/write\/?$/, '') ?? store;
  return [
    `-httpListenAddr=${address}`,
    `-rule=${ruleDir}/*.yml`,
    `-datasource.url=${store}`,
    `-remoteRead.url=${store}`,
    `-remoteWrite.url=${write}`,
    ...[...alertmanagers].sort().map((a) => `-notifier.url=http://${a}`),
    `-evaluationInterval=${p.evaluationInterval}`,
    `-external.label=promduty_pool=${p.name}`,
    ...Object.entries(p.externalLabels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `-external.label=${k}=${v}`),
  ];
}
