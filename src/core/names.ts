import { z } from 'zod';

/**
 * Shared validators for the values every domain takes: names, hosts, ports, durations.
 * One definition each, so `host:port` means the same for Prometheus and Alertmanager.
 */

/** Entity names: letters, digits, `_ . -`, starting with a letter or digit; non-ASCII letters allowed. */
export const entityName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u, 'may contain only letters, digits, "_", "." and "-"');

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIPv4 = (s: string): boolean => IPV4.test(s);
export function isIPv6(s: string): boolean {
  // Let the platform decide: URL parsing accepts exactly the valid bracketed IPv6 literals.
  if (!s.includes(':')) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}
export const isIP = (s: string): boolean => isIPv4(s) || isIPv6(s);

const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
export const isHostname = (s: string): boolean => HOSTNAME.test(s);

export const ipAddress = z.string().trim().refine(isIP, 'must be an IPv4 or IPv6 address');
export const hostname = z.string().trim().refine(isHostname, 'must be a valid hostname');
export const port = z.number().int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

/** `host:port` or `[v6]:port`, as Prometheus writes targets. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  if (!m) return null;
  const host = m[1]!;
  const p = Number(m[2]);
  if (!(isIP(host) || isHostname(host)) || !Number.isInteger(p) || p < 1 || p > 65535) return null;
  return { host, port: p };
}
export const hostPort = z
  .string()
  .trim()
  .refine((s) => parseHostPort(s) !== null, 'must be host:port with a port 1-65535');

/** Prometheus durations (`30s`, `1h30m`, `2d`); units as in Prometheus' model.ParseDuration. */
const DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
const UNIT_MS: Record<string, number> = { y: 365 * 86400e3, w: 7 * 86400e3, d: 86400e3, h: 3600e3, m: 60e3, s: 1e3, ms: 1 };

export function parseDuration(s: string): number | null {
  if (s === '0') return 0;
  if (!s || !DURATION.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}
export const duration = z
  .string()
  .trim()
  .refine((s) => parseDuration(s) !== null, 'must be a duration such as 30s, 5m, 1h30m');

/** Prometheus label names and metric names. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const labelName = z.string().regex(LABEL_NAME, 'must match [a-zA-Z_][a-zA-Z0-9_]*');
/**
 * A map of at most `max` entries. The count is checked before the entries, so a body of
 * 60,000 of them (87 ms to validate one by one) is refused at once.
 */
export function boundedRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V, max: number, what: string) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v && typeof v === 'object' && Object.keys(v).length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} ${what}` });
    })
    .pipe(z.record(key, value));
}

/** Labels a host, a static target group or a pool's external labels carry: each becomes a label of every series scraped through it. */
export const MAX_LABELS = 64;
export const labelSet = boundedRecord(labelName, z.string().max(4096, 'must be at most 4096 characters'), MAX_LABELS, 'labels');

export const httpUrl = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const idParam = z.coerce.number().int().positive();
export const idList = z.array(z.number().int().positive()).min(1, 'must name at least one id');
