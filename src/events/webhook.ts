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
 */
export type WebhookPayload = Omit<AlertBatch, 'receivedAt'>;

type Obj = Record<string, unknown>;
// Alertmanager's zero time.Time; anything before 1970 is "not set".
const optionalTime = (ms: number | undefined): number | null => (ms === undefined || ms <= 0 ? null : ms);
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FINGERPRINT = /^[0-9a-zA-Z]{1,64}$/;
const STATUSES = ['firing', 'resolved'] as const;

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
    return v;
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
    for (const k in v) if (typeof v[k] !== 'string') this.fail(`${path}.${k}`, 'must be a string');
    return v as Record<string, string>;
  }

  time(o: Obj, key: string, path: string, required: boolean): number | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    const ms = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(ms) ? this.fail(path, 'must be an RFC 3339 time') : ms;
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
    startsAt: r.time(a, 'startsAt', `${at}.startsAt`, true) ?? 0,
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
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations']) r.stringMap(b, key, key);
  const list = b.alerts;
  if (!Array.isArray(list)) r.fail('alerts', 'must be a list');
  else if (!list.length) r.fail('alerts', 'must hold at least one alert');
  const alerts = Array.isArray(list) ? list.map((a, i) => readAlert(r, a, `alerts[${i}]`)) : [];
  const first = r.issues[0];
  if (first) throw invalid(`invalid Alertmanager webhook: ${first.path}: ${first.message}`, r.issues);
  return { groupKey, truncatedAlerts: truncated as number, receiver, alerts: alerts as BatchAlert[] };
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
  truncatedAlerts: number;
  alerts: BatchAlert[];
}

export const toBatch = (p: WebhookPayload, receivedAt: Date): AlertBatch => ({ receivedAt: receivedAt.getTime(), ...p });

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
