import { createHash } from 'node:crypto';
import { invalid, type FieldIssue } from '../core/errors';

/**
 * The Alertmanager webhook (payload version 4, as Alertmanager 0.25 sends it) and the batch
 * a notification becomes in the `alerts` queue. Times are turned into epoch milliseconds here,
 * at the edge, so the queue carries plain numbers and processing never parses text.
 *
 * Checked by hand rather than with zod, with the same `{path, message}` details: this is the
 * one body promduty takes thousands of a second, and the zod schema cost about a third of
 * its CPU per request (bench: webhook ingest). Extra fields are ignored, as Alertmanager adds
 * some between versions. A valid payload is read straight into what the queue carries.
 *
 * Everything accepted here must be storable, because a 200 tells Alertmanager it is done:
 * times are RFC 3339 within what a DATETIME column holds, and strings are well-formed
 * Unicode (see `wellFormed`). Lengths are bounded here, or cut to their column where stored
 * (alertname, severity: processing.ts); labels and annotations are JSON columns (LONGTEXT).
 */
export type WebhookPayload = Omit<AlertBatch, 'receivedAt'>;

type Obj = Record<string, unknown>;
/** The range MariaDB and MySQL document for DATETIME; the driver cannot even write years past 9999. */
export const TIME_MIN = Date.UTC(1000, 0, 1);
export const TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RANGE = 'must be between 1000-01-01 and 9999-12-31';
// Alertmanager's zero time.Time (0001-01-01T00:00:00Z); anything before 1970 is "not set".
const optionalTime = (ms: number | undefined): number | null => (ms === undefined || ms <= 0 ? null : ms);
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FINGERPRINT = /^[0-9a-zA-Z]{1,64}$/;
const STATUSES = ['firing', 'resolved'] as const;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const COLON = 58;
/** The two digits at `i` as a number (the shape is checked already). */
const two = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * Epoch milliseconds of an RFC 3339 time (`2026-11-22T01:32:18.136319403Z`, digits past the
 * millisecond cut), or NaN. Date.parse alone also takes "1", "May 1, 2024", "2024-02-30"
 * (as March 1st) and years past 9999, which the database then refuses after promduty has
 * answered 200; so the shape and the fields are checked first, by character codes: a regex
 * with a capture group per field, or a closure per call, more than doubled the webhook's check.
 */
export function parseRfc3339(s: string): number {
  if (!RFC3339.test(s)) return NaN;
  const y = two(s, 0) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS[mo - 1]!)) return NaN;
  if (two(s, 11) > 23 || two(s, 14) > 59 || two(s, 17) > 59) return NaN;
  const zone = s.length - 6;
  if (s.charCodeAt(zone + 3) === COLON && (two(s, zone + 1) > 23 || two(s, zone + 4) > 59)) return NaN;
  return Date.parse(s);
}

/**
 * A lone UTF-16 surrogate (`"\ud800"` is valid JSON) becomes U+FFFD rather than a 400:
 * Alertmanager does not retry a 4xx, so refusing would lose the whole notification over one
 * character, and U+FFFD is what Alertmanager's own JSON encoder writes for broken text. The
 * database refuses such a string in a JSON column, after the 200 (issue 13). Checking is
 * nearly free: V8 knows a one-byte string holds no surrogates.
 */
const wellFormed = (s: string): string => (s.isWellFormed() ? s : s.toWellFormed());

/** Reads fields off the body, collecting every problem with its path. */
class Reader {
  readonly issues: FieldIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  string(o: Obj, key: string, path: string, max: number, dflt?: string): string {
    const v = o[key] ?? dflt;
    if (typeof v !== 'string') return this.fail(path, v === undefined ? 'is required' : 'must be a string') ?? '';
    if (v.length > max) this.fail(path, `must be at most ${max} characters`);
    return wellFormed(v);
  }

  status(o: Obj, path: string): 'firing' | 'resolved' {
    const v = o.status;
    if (v === 'firing' || v === 'resolved') return v;
    return this.fail(path, `must be one of ${STATUSES.join(', ')}`) ?? 'firing';
  }

  stringMap(o: Obj, key: string, path: string, required = false): Record<string, string> {
    const v = o[key];
    if (v === undefined && !required) return {};
    if (!isObject(v)) return this.fail(path, v === undefined ? 'is required' : 'must be an object') ?? {};
    let clean = true;
    for (const k in v) {
      const s = v[k];
      if (typeof s !== 'string') this.fail(`${path}.${k}`, 'must be a string');
      else if (!s.isWellFormed() || !k.isWellFormed()) clean = false;
    }
    if (clean) return v as Record<string, string>;
    return Object.fromEntries(Object.entries(v).map(([k, s]) => [wellFormed(k), typeof s === 'string' ? wellFormed(s) : s])) as Record<string, string>;
  }

  /** Epoch ms, at most TIME_MAX and at least `min` (when given); undefined when absent (or bad: the problem is noted). */
  time(o: Obj, key: string, path: string, required: boolean, min?: number): number | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    const ms = typeof v === 'string' ? parseRfc3339(v) : NaN;
    if (Number.isNaN(ms)) return this.fail(path, 'must be an RFC 3339 time such as 2026-01-05T01:00:00Z');
    if ((min !== undefined && ms < min) || ms > TIME_MAX) return this.fail(path, RANGE);
    return ms;
  }
}

function readAlert(r: Reader, a: unknown, at: string): BatchAlert | undefined {
  if (!isObject(a)) return r.fail(at, 'must be an object');
  const fingerprint = r.string(a, 'fingerprint', `${at}.fingerprint`, 64);
  if (fingerprint && !FINGERPRINT.test(fingerprint)) r.fail(`${at}.fingerprint`, 'must be 1-64 letters or digits');
  return {
    status: r.status(a, `${at}.status`),
    labels: r.stringMap(a, 'labels', `${at}.labels`, true),
    annotations: r.stringMap(a, 'annotations', `${at}.annotations`),
    startsAt: r.time(a, 'startsAt', `${at}.startsAt`, true, TIME_MIN) ?? 0,
    endsAt: optionalTime(r.time(a, 'endsAt', `${at}.endsAt`, false)),
    generatorURL: r.string(a, 'generatorURL', `${at}.generatorURL`, 4096, ''),
    fingerprint,
  };
}

export function parseWebhook(body: unknown): WebhookPayload {
  const r = new Reader();
  const b: Obj = isObject(body) ? body : {};
  if (!isObject(body)) r.fail('(root)', 'must be an object');
  else if (body.version !== '4') r.fail('version', "must be '4'");
  const groupKey = r.string(b, 'groupKey', 'groupKey', 4096);
  if (isObject(body) && !groupKey) r.fail('groupKey', 'must not be empty');
  const truncated = b.truncatedAlerts ?? 0;
  if (!Number.isInteger(truncated) || (truncated as number) < 0) r.fail('truncatedAlerts', 'must be a whole number, 0 or more');
  r.status(b, 'status');
  const receiver = r.string(b, 'receiver', 'receiver', 256);
  const groupLabels = r.stringMap(b, 'groupLabels', 'groupLabels');
  for (const key of ['commonLabels', 'commonAnnotations']) r.stringMap(b, key, key);
  const list = b.alerts;
  if (!Array.isArray(list)) r.fail('alerts', 'must be a list');
  else if (!list.length) r.fail('alerts', 'must hold at least one alert');
  const alerts = Array.isArray(list) ? list.map((a, i) => readAlert(r, a, `alerts[${i}]`)) : [];
  const first = r.issues[0];
  if (first) throw invalid(`invalid Alertmanager webhook: ${first.path}: ${first.message}`, r.issues);
  return { groupKey, groupLabels, truncatedAlerts: truncated as number, receiver, alerts: alerts as BatchAlert[] };
}

/** One alert as the pipeline carries it. */
export interface BatchAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms (Alertmanager's nanoseconds cut to the database's milliseconds). */
  startsAt: number;
  /** Epoch ms; null while firing (Alertmanager sends year 1 then). */
  endsAt: number | null;
  generatorURL: string;
}

/** The job data of one notification. */
export interface AlertBatch {
  /** When promduty first received it (epoch ms, the injected clock). */
  receivedAt: number;
  receiver: string;
  groupKey: string;
  /** The route's group_by labels (jobs queued before groups existed have none). */
  groupLabels?: Record<string, string>;
  truncatedAlerts: number;
  alerts: BatchAlert[];
}

export const toBatch = (p: WebhookPayload, receivedAt: Date): AlertBatch => ({ receivedAt: receivedAt.getTime(), ...p });

const ZERO_TIME = '0001-01-01T00:00:00Z';
// A number the database refused may be past what a Date can show (±275,760 years): keep it as is.
const timeText = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

/**
 * A queued notification as Alertmanager's body again (the fields promduty reads; times in
 * RFC 3339, "not ended" as the zero time): what the dead-letter view shows, and what a
 * replay reads through `parseWebhook`, so it meets today's checks.
 */
export function toWebhookBody(b: WebhookPayload) {
  return {
    version: '4',
    groupKey: b.groupKey,
    groupLabels: b.groupLabels ?? {},
    truncatedAlerts: b.truncatedAlerts,
    receiver: b.receiver,
    status: b.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: b.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: timeText(a.startsAt),
      endsAt: a.endsAt === null ? ZERO_TIME : timeText(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

/**
 * What makes two notifications the same: the group, and each alert's identity, state and what
 * it says (annotations carry the current value, so a changed value is news). Every replica of
 * an HA Alertmanager, and Alertmanager retrying, sends the same key; the order of the alerts
 * does not matter. Fields are length-prefixed, so no value can pass for another.
 */
export function notificationKey(b: AlertBatch): string {
  const parts: string[] = [b.groupKey, b.receiver];
  const alerts = [...b.alerts].sort((x, y) => (x.fingerprint === y.fingerprint ? x.startsAt - y.startsAt : x.fingerprint < y.fingerprint ? -1 : 1));
  for (const a of alerts) {
    const keys = Object.keys(a.annotations).sort();
    parts.push(`${a.fingerprint} ${a.startsAt} ${a.endsAt ?? ''} ${a.status}`, a.generatorURL, String(keys.length));
    for (const k of keys) parts.push(k, a.annotations[k]!);
  }
  return createHash('sha256')
    .update(parts.map((p) => `${p.length}:${p}`).join(''))
    .digest('hex')
    .slice(0, 40);
}
