import { rendezvousTop } from '../core/hashing';

/**
 * Which instance of a pool evaluates which rule (design flow 3): every rule on `replicas`
 * instances (1, or 2 for evaluator high availability: both evaluate the same rule against the
 * same central store and send identical alerts, which Alertmanager merges into one).
 *
 * Rendezvous hashing of `alert:<id>` / `record:<id>` over the instance addresses decides, so
 * each rule's owner depends only on its own key and the set of instances:
 *   - adding or removing a rule never moves another one (no re-evaluation churn, no lost
 *     `for` state on the instances that keep their rules);
 *   - an instance leaving the set hands over only its own rules, spread over the others;
 *     one joining takes about 1/N of the rules from the rest.
 *
 * Health: as with scrape sharding, only instances that pass health checks take part, so
 * the rules of a down instance move to the healthy ones on the next render (the caller must
 * re-render when health changes; a flapping instance moves its rules each time and they
 * restart their `for` timers, so health checks should have some hysteresis). If no instance
 * is healthy, all of them take part: the checks are more likely wrong than the whole pool
 * down, and evaluating nowhere would silence every alert of the pool.
 * Unhealthy instances still get an entry (empty), so their rule files are served empty
 * rather than stale.
 *
 * Record rules and dependencies: each instance evaluates only its share, so a recorded
 * series exists only on the instance that owns its record rule. Another rule that reads
 * it (an alert on `job:errors:rate5m`, a record built on a record) sees it only if it lands
 * on the same instance, or if the pool shares results between instances (remote_write to a
 * common store queried via remote_read, or federation). Placement does not solve this:
 * co-locating dependent rules would need the PromQL dependency graph, and pinning them
 * together would trade away the balance and stability above. Pools whose rules depend on
 * each other should share results that way, or run as a single instance.
 */
export interface PoolInstance {
  /** `host:port`, unique across pools. */
  address: string;
  healthy: boolean;
}

export interface RuleShare<A, R> {
  alertRules: A[];
  recordRules: R[];
}

export const alertRuleKey = (id: number): string => `alert:${id}`;
export const recordRuleKey = (id: number): string => `record:${id}`;

/** Addresses that evaluate rules now: the healthy ones, or all when none is healthy. Sorted. */
export function evaluatingInstances(instances: readonly PoolInstance[]): string[] {
  const healthy = instances.filter((i) => i.healthy);
  return (healthy.length > 0 ? healthy : instances).map((i) => i.address).sort();
}

/** The instances one rule runs on (its rendezvous top `replicas` of the evaluating ones), sorted. */
export function ruleEvaluators(key: string, instances: readonly PoolInstance[], replicas = 1): string[] {
  return rendezvousTop(key, evaluatingInstances(instances), replicas).sort();
}

/**
 * Split a pool's rules across its instances. Every instance given gets an entry (in address
 * order); each rule lands in `replicas` of them (all of them when there are fewer). Rules
 * keep their input order inside a share. Generic so callers may pass richer rows than the specs.
 */
export function placeRules<A extends { id: number }, R extends { id: number }>(
  instances: readonly PoolInstance[],
  rules: { alertRules: readonly A[]; recordRules: readonly R[] },
  replicas = 1,
): Map<string, RuleShare<A, R>> {
  const shares = new Map<string, RuleShare<A, R>>();
  for (const address of instances.map((i) => i.address).sort()) shares.set(address, { alertRules: [], recordRules: [] });
  const nodes = evaluatingInstances(instances);
  if (nodes.length === 0) return shares;
  const sharesOf = (key: string) => rendezvousTop(key, nodes, replicas).map((a) => shares.get(a)!);
  for (const rule of rules.alertRules) for (const share of sharesOf(alertRuleKey(rule.id))) share.alertRules.push(rule);
  for (const rule of rules.recordRules) for (const share of sharesOf(recordRuleKey(rule.id))) share.recordRules.push(rule);
  return shares;
}
