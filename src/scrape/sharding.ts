import { prometheusHashmod, rendezvousPick } from '../core/hashing';
import type { InstanceSpec } from './model';
import type { RelabelConfig } from './relabel';

/**
 * How a pool's instances split its targets. Two modes:
 * - hashmod: every instance sees every target and keeps those whose hashmod of `__address__`
 *   equals its shard index (the standard Prometheus recipe; adding or losing an instance
 *   reshuffles most targets).
 * - consistent: promduty assigns targets it knows (http_sd, static) by rendezvous hashing,
 *   so losing an instance moves only that instance's targets.
 * Shards are taken over the healthy instances only, so a dead instance's targets are picked
 * up by the others on the next render.
 */

export interface Shard {
  index: number;
  of: number;
}

export const SHARD_HASH_LABEL = '__tmp_hash';

/**
 * The instances that share the targets: the healthy ones, sorted by id. When none is healthy
 * (more likely promduty cannot reach them than that all are down) all of them share, so a
 * health-check outage never stops scraping.
 */
export function shardMembers(instances: readonly InstanceSpec[]): InstanceSpec[] {
  const healthy = instances.filter((i) => i.healthy);
  return [...(healthy.length ? healthy : instances)].sort((a, b) => a.id - b.id);
}

/**
 * The shard of one instance, or null when it is not a member (unhealthy while others are
 * healthy): such a standby instance scrapes nothing, so no target is scraped twice.
 */
export function shardOf(instanceId: number, instances: readonly InstanceSpec[]): Shard | null {
  const members = shardMembers(instances);
  const index = members.findIndex((i) => i.id === instanceId);
  return index < 0 ? null : { index, of: members.length };
}

/** Relabel rules that keep only the targets of `shard` (all targets dropped for a standby). */
export function hashmodRelabels(shard: Shard | null): RelabelConfig[] {
  if (!shard) return [{ source_labels: ['__address__'], regex: '.*', action: 'drop' }];
  return [
    { source_labels: ['__address__'], modulus: shard.of, target_label: SHARD_HASH_LABEL, action: 'hashmod' },
    { source_labels: [SHARD_HASH_LABEL], regex: String(shard.index), action: 'keep' },
  ];
}

/**
 * Consistent mode: each item goes to one of `instanceAddresses` by rendezvous hashing of its
 * key (every address is a key of the result, in the order given).
 */
export function assignByRendezvous<T>(items: readonly T[], keyOf: (item: T) => string, instanceAddresses: readonly string[]): Map<string, T[]> {
  const out = new Map<string, T[]>(instanceAddresses.map((a) => [a, []]));
  for (const item of items) {
    const owner = rendezvousPick(keyOf(item), instanceAddresses);
    if (owner !== undefined) out.get(owner)!.push(item);
  }
  return out;
}

export const assignTargets = (targets: readonly string[], instanceAddresses: readonly string[]): Map<string, string[]> =>
  assignByRendezvous(targets, (t) => t, instanceAddresses);

/** target → the instance address that scrapes it. */
export type Owners = Map<string, string>;

/** Owners under hashmod, with `instanceAddresses` in shard order, exactly as Prometheus computes it. */
export function hashmodOwners(targets: readonly string[], instanceAddresses: readonly string[]): Owners {
  return new Map(targets.map((t) => [t, instanceAddresses[prometheusHashmod(t, instanceAddresses.length)]!]));
}

export function consistentOwners(targets: readonly string[], instanceAddresses: readonly string[]): Owners {
  return new Map(targets.map((t) => [t, rendezvousPick(t, instanceAddresses)!]));
}

/** How many targets of `before` have another owner (or none) in `after`. */
export function targetsMoved(before: Owners, after: Owners): number {
  let moved = 0;
  for (const [t, owner] of before) if (after.get(t) !== owner) moved++;
  return moved;
}

/** Targets that change owner when `leaving` drops out of `instanceAddresses`, per mode. */
export function movedWhenOneLeaves(
  targets: readonly string[],
  instanceAddresses: readonly string[],
  leaving: string,
): { hashmod: number; consistent: number } {
  const rest = instanceAddresses.filter((a) => a !== leaving);
  return {
    hashmod: targetsMoved(hashmodOwners(targets, instanceAddresses), hashmodOwners(targets, rest)),
    consistent: targetsMoved(consistentOwners(targets, instanceAddresses), consistentOwners(targets, rest)),
  };
}
