import { setMaxListeners } from 'node:events';
import { newFingerprint, WEBHOOK_TOKEN } from './alerts';

/**
 * A steady stream of new alerts posted to promduty's webhook as Alertmanager 0.25 posts them,
 * retries included, so that an alert lost is promduty's fault and not the poster's:
 *   - each notification is retried until it gets a 2xx: on a 5xx or a connection error (refused,
 *     reset, no answer), with Alertmanager's backoff (cenkalti/backoff: 500 ms, ×1.5, ±50 %
 *     jitter, at most 60 s between tries);
 *   - a 4xx is not retried (Alertmanager gives up on it): counted as refused, it is a lost alert;
 *   - Alertmanager keeps a notification for its group interval and sends it again at the next
 *     flush, so in effect it never stops trying: one try here waits at most `attemptTimeoutMs`
 *     and then counts as a connection error.
 * With several targets (api processes behind a load balancer) notifications alternate between
 * them and each retry goes to the next one.
 */
export interface StreamOptions {
  /** promduty base URLs; read on every try, so a restarted process can be swapped in. */
  targets: () => string[];
  /** Notifications started per second. */
  rate: number;
  /** Alerts per notification: 1 to this many. */
  maxAlerts: number;
  /** Send groups to spread the alerts over (the `send_group` label). */
  sendGroups: number[];
  attemptTimeoutMs?: number;
}

export interface StreamAlert {
  fingerprint: string;
  sendGroup: number;
  /** performance.now() of the notification's first try. */
  firstTry: number;
  /** When a 2xx answered it (performance.now()); undefined while not acknowledged. */
  acknowledgedAt?: number;
}

export interface StreamCounts {
  notifications: number;
  /** Tries that did not get a 2xx (and were tried again, unless refused). */
  failedTries: number;
  /** Answered 4xx: Alertmanager drops these. */
  refused: number;
  /** Answered 2xx with `duplicate`: a retry of a notification that was queued after all. */
  duplicates: number;
  /** Still being retried. */
  inFlight: number;
}

const BACKOFF = { initialMs: 500, multiplier: 1.5, jitter: 0.5, maxMs: 60_000 };

export class AlertStream {
  readonly alerts: StreamAlert[] = [];
  readonly counts: StreamCounts = { notifications: 0, failedTries: 0, refused: 0, duplicates: 0, inFlight: 0 };
  /** Refusals, first few: status and body, to say why in a failure. */
  readonly refusals: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started = 0;
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  private readonly stopRetrying = new AbortController();

  constructor(private readonly o: StreamOptions) {
    // Every notification being retried listens for the end of the run.
    setMaxListeners(0, this.stopRetrying.signal);
  }

  /** Starts (or resumes) posting `rate` notifications a second (a 20 ms tick catches up on any lag). */
  start(): void {
    if (this.timer) return;
    // Resumed: the pause is not made up for.
    this.started = performance.now() - (this.counts.notifications * 1000) / this.o.rate;
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - this.started) * this.o.rate) / 1000);
      while (this.counts.notifications < due) this.post(this.counts.notifications++);
    }, 20);
  }

  /** Starts no new notification (until `start` again); the ones started are still retried. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True between `start` and `stop`. */
  get posting(): boolean {
    return this.timer !== null;
  }

  /** Posts one more notification now (the stream stopped or not); returns its alerts. */
  postNow(): StreamAlert[] {
    const from = this.alerts.length;
    this.post(this.counts.notifications++);
    return this.alerts.slice(from);
  }

  /** Resolves when every notification got its answer, or after `timeoutMs` (then the rest are abandoned). */
  async settle(timeoutMs: number): Promise<void> {
    this.stop();
    const deadline = setTimeout(() => this.stopRetrying.abort(), timeoutMs);
    try {
      while (this.running.size) await Promise.allSettled([...this.running]);
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Stops everything now (test cleanup). */
  close(): void {
    this.closed = true;
    this.stop();
    this.stopRetrying.abort();
  }

  acknowledged(): StreamAlert[] {
    return this.alerts.filter((a) => a.acknowledgedAt !== undefined);
  }

  private post(n: number): void {
    const sendGroup = this.o.sendGroups[n % this.o.sendGroups.length]!;
    const size = 1 + (n % this.o.maxAlerts);
    const now = performance.now();
    const mine = Array.from({ length: size }, (): StreamAlert => ({ fingerprint: newFingerprint(), sendGroup, firstTry: now }));
    this.alerts.push(...mine);
    const body = JSON.stringify(notification(n, sendGroup, mine));
    const p = this.deliver(n, body, mine).finally(() => {
      this.running.delete(p);
      this.counts.inFlight--;
    });
    this.counts.inFlight++;
    this.running.add(p);
  }

  private async deliver(n: number, body: string, mine: StreamAlert[]): Promise<void> {
    let backoff = BACKOFF.initialMs;
    for (let attempt = 0; !this.closed; attempt++) {
      const targets = this.o.targets();
      const url = targets[(n + attempt) % targets.length]!;
      const answer = await this.try(url, body);
      if (answer.status >= 200 && answer.status < 300) {
        const at = performance.now();
        for (const a of mine) a.acknowledgedAt = at;
        if (answer.text.includes('"duplicate"')) this.counts.duplicates++;
        return;
      }
      this.counts.failedTries++;
      if (answer.status >= 400 && answer.status < 500) {
        this.counts.refused++;
        if (this.refusals.length < 5) this.refusals.push(`${answer.status} ${answer.text.slice(0, 300)}`);
        return;
      }
      if (this.stopRetrying.signal.aborted) return;
      const wait = backoff * (1 + BACKOFF.jitter * (2 * Math.random() - 1));
      backoff = Math.min(backoff * BACKOFF.multiplier, BACKOFF.maxMs);
      await sleep(wait, this.stopRetrying.signal);
    }
  }

  /** One POST; status 0 for a connection error or no answer in time. */
  private async try(url: string, body: string): Promise<{ status: number; text: string }> {
    try {
      const res = await fetch(`${url}/api/v1/alerts/webhook`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.o.attemptTimeoutMs ?? 30_000), this.stopRetrying.signal]),
      });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      return { status: 0, text: String((e as Error).cause ?? e) };
    }
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** The Alertmanager v4 body of notification `n`: one group of new, distinct alerts. */
function notification(n: number, sendGroup: number, alerts: StreamAlert[]) {
  const startsAt = new Date().toISOString();
  const groupKey = `{}/{send_group="${sendGroup}"}:{alertname="FaultStream", batch="${n}"}`;
  return {
    receiver: `sg-${sendGroup}`,
    status: 'firing',
    alerts: alerts.map((a, i) => ({
      status: 'firing',
      labels: { alertname: 'FaultStream', instance: `10.${n % 250}.${i}.${Math.floor(n / 250) % 250}:9100`, job: 'node', severity: 'critical', send_group: String(sendGroup) },
      annotations: { summary: `stream alert ${n}/${i}`, description_value: '0' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus-0:9090/graph?g0.expr=up%3D%3D0',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: 'FaultStream' },
    commonLabels: { alertname: 'FaultStream', send_group: String(sendGroup) },
    commonAnnotations: {},
    externalURL: 'http://alertmanager-0:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}
