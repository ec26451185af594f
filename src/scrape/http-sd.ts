import { DEFAULT_HOST_PORT } from './model';
import { assignByRendezvous } from './sharding';

/**
 * Prometheus http_sd answer for one scrape job (design flow 2), from the hosts bound to the
 * job's tree nodes. The caller resolves which nodes and hosts that is (e.g. the leaves under
 * the job's selected nodes) and passes them in.
 *
 * Labels of each target (kept after relabeling, so they land on every scraped series):
 *   - the host's own labels, except names starting with `__` (those would silently change
 *     how the target is scraped: `__scheme__`, `__metrics_path__`, `__param_*`);
 *   - `hostname`, `tree_node` (the node's name) and `tree_path` (its full path), which win
 *     over host labels of the same name.
 * A host bound to several of the given nodes is served once, under the node with the lowest
 * id (stable across renames and moves, unlike paths), and two hosts with the same ip are
 * served once (the lower host id): either would otherwise be scraped twice.
 * Since labels differ per host, every target is its own group; groups come ordered by node
 * id, then host id.
 *
 * Cost: building is linear (10,000 hosts: ~10 ms plus ~11 ms JSON.stringify of CPU on the dev
 * box). Consistent-mode shares cost a sha1 per target and member (rendezvousPick): ~175 ms
 * for 10,000 hosts and 4 members there, so the route should cache the answer per job (it
 * changes only with config or health) and can compute every share at once with
 * shareTargetGroups.
 */

export interface SdJob {
  id: number;
  name: string;
  /** null: the node_exporter default, 9100. */
  port: number | null;
}

export interface SdNode {
  id: number;
  /** Full path, e.g. `/corp/web/api`. */
  path: string;
  name: string;
}

export interface SdHost {
  id: number;
  hostname: string;
  ip: string;
  labels: Record<string, string>;
  /** The tree nodes this host is bound to; ids not among the given nodes are ignored. */
  nodeIds: number[];
}

/**
 * Consistent sharding: answer only the share of `address` among `all` (the pool's
 * shard members, `shardMembers(instances).map(i => i.address)`). An address outside `all`
 * (a standby instance) gets nothing.
 */
export interface SdInstanceFilter {
  address: string;
  all: string[];
}

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export interface TargetGroupInput {
  job: SdJob;
  nodes: SdNode[];
  hosts: SdHost[];
  instance?: SdInstanceFilter;
}

export const formatTarget = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

interface Entry {
  target: string;
  node: SdNode;
  host: SdHost;
}

export function buildTargetGroups(input: TargetGroupInput): TargetGroup[] {
  const groups = allTargetGroups(input);
  const filter = input.instance;
  return filter ? (shareTargetGroups(groups, filter.all).get(filter.address) ?? []) : groups;
}

/**
 * Consistent mode, every member's share at once (same cost as one share: rendezvous hashing
 * weighs every member for every target anyway), for a caller that caches per job.
 */
export const shareTargetGroups = (groups: readonly TargetGroup[], all: readonly string[]): Map<string, TargetGroup[]> =>
  assignByRendezvous(groups, (g) => g.targets[0]!, all);

function allTargetGroups(input: TargetGroupInput): TargetGroup[] {
  const port = input.job.port ?? DEFAULT_HOST_PORT;
  const nodes = new Map(input.nodes.map((n) => [n.id, n]));
  const entries: Entry[] = [];
  const entryOf = new Map<string, number>();
  for (const host of input.hosts) {
    let node: SdNode | undefined;
    for (const id of host.nodeIds) {
      const n = nodes.get(id);
      if (n && (!node || n.id < node.id)) node = n;
    }
    if (!node) continue;
    const target = formatTarget(host.ip, port);
    const at = entryOf.get(target);
    if (at === undefined) {
      entryOf.set(target, entries.length);
      entries.push({ target, node, host });
    } else if (host.id < entries[at]!.host.id) {
      entries[at] = { target, node, host };
    }
  }

  entries.sort((a, b) => a.node.id - b.node.id || a.host.id - b.host.id);
  return entries.map((e) => ({ targets: [e.target], labels: targetLabels(e.host, e.node) }));
}

function targetLabels(host: SdHost, node: SdNode): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const k in host.labels) {
    if (!k.startsWith('__') && k !== 'hostname' && k !== 'tree_node' && k !== 'tree_path') labels[k] = host.labels[k]!;
  }
  labels.hostname = host.hostname;
  labels.tree_node = node.name;
  labels.tree_path = node.path;
  return labels;
}
