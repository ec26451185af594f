import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseInput } from '../core/validate';

/**
 * The Alertmanager webhook (payload version 4, as Alertmanager 0.25 sends it) and the batch
 * a notification becomes in the `alerts` queue. Times are turned into epoch milliseconds here,
 * at the edge, so the queue carries plain numbers and processing never parses text.
 */
const stringMap = z.record(z.string(), z.string());
const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: z.string().max(4096).default(''),
  fingerprint: z.string().regex(/^[0-9a-zA-Z]{1,64}$/, 'must be 1-64 letters or digits'),
});

export const webhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(4096),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(256),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alertSchema).min(1, 'must hold at least one alert'),
});
export type WebhookPayload = z.output<typeof webhookSchema>;

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

export function parseWebhook(body: unknown): WebhookPayload {
  return parseInput(webhookSchema, body, 'Alertmanager webhook');
}

const epochMs = (s: string): number => Date.parse(s);
// Alertmanager's zero time.Time; anything before 1970 is "not set".
const optionalTime = (s: string | undefined): number | null => (s === undefined || epochMs(s) <= 0 ? null : epochMs(s));

export function toBatch(p: WebhookPayload, receivedAt: Date): AlertBatch {
  return {
    receivedAt: receivedAt.getTime(),
    receiver: p.receiver,
    groupKey: p.groupKey,
    truncatedAlerts: p.truncatedAlerts,
    alerts: p.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: epochMs(a.startsAt),
      endsAt: optionalTime(a.endsAt),
      generatorURL: a.generatorURL,
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
