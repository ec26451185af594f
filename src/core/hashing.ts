import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest-random-weight) hashing: each key goes to the node with the highest
 * hash(node, key). When a node leaves, only its own keys move; when one joins, it takes
 * about 1/N of the keys. Used for rule placement and the consistent sharding mode.
 */
export function rendezvousPick<N extends string>(key: string, nodes: readonly N[]): N | undefined {
  let best: N | undefined;
  let bestWeight = -1n;
  for (const node of nodes) {
    const w = weight(node, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && node < best)) {
      best = node;
      bestWeight = w;
    }
  }
  return best;
}

/**
 * The `count` nodes with the highest weights for `key`, best first: rendezvous hashing with
 * replicas. A node leaving moves only the keys it held (each to the next node in its list);
 * one joining takes a key only where it outranks one of the chosen.
 */
export function rendezvousTop<N extends string>(key: string, nodes: readonly N[], count: number): N[] {
  // Insertion into a list of at most `count`: no sort, no per-node objects (runs per rule).
  const top: N[] = [];
  const weights: bigint[] = [];
  for (const node of nodes) {
    const w = weight(node, key);
    let i = top.length;
    while (i > 0 && (w > weights[i - 1]! || (w === weights[i - 1]! && node < top[i - 1]!))) i--;
    if (i >= count) continue;
    top.splice(i, 0, node);
    weights.splice(i, 0, w);
    if (top.length > count) {
      top.pop();
      weights.pop();
    }
  }
  return top;
}

function weight(node: string, key: string): bigint {
  const h = createHash('sha1').update(node).update('\0').update(key).digest();
  return h.readBigUInt64BE(0);
}

/**
 * The shard Prometheus' `hashmod` relabel action gives a value: md5 of the value, its last
 * 8 bytes as a big-endian uint64, modulo the modulus (prometheus/model/relabel).
 */
export function prometheusHashmod(value: string, modulus: number): number {
  const sum = createHash('md5').update(value).digest();
  return Number(sum.readBigUInt64BE(8) % BigInt(modulus));
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
