/**
 * `base` overlaid with `wins`, keys in code-unit order: maps whose order carries no meaning
 * (labels, annotations, headers) render the same whatever order they were given in, so
 * published hashes change only with content. No entry tuples: it runs for every rule.
 */
export function sortedRecord(base: Record<string, string>, wins: Record<string, string> = {}): Record<string, string> {
  const keys = Object.keys(base);
  for (const k of Object.keys(wins)) if (!Object.hasOwn(base, k)) keys.push(k);
  keys.sort();
  // Null prototype: a label named `__proto__` is a valid Prometheus label name.
  const out: Record<string, string> = Object.create(null);
  for (const k of keys) out[k] = Object.hasOwn(wins, k) ? wins[k]! : base[k]!;
  return out;
}
