import type { Knex } from 'knex';
import { parseDuration } from '../core/names';
import { resolveForAlert, sendGroupIdOf, type AlertDestination } from '../routing/alert-destination';

/** Alertmanager's default; used when neither the send group nor its cluster says. */
const DEFAULT_REPEAT_MS = 4 * 3_600_000;

/** Where an alert goes, and how often its card may be posted afresh. */
export interface Route {
  /** null: no such send group and no default one: the event is stored, not sent. */
  dest: AlertDestination | null;
  repeatIntervalMs: number;
}


/**
 * Read-through cache of send-group routing and rule ids for the alert path, which asks the
 * same few questions for every alert. Entries live `ttlMs` (a few seconds): a send group
 * change reaches alerts that quickly, and a storm costs a handful of queries, not thousands.
 * Expiry runs on the monotonic timer: it is about cache freshness, not the domain's clock.
 */
export class Destinations {
  private readonly routes = new Map<string, { at: number; value: Promise<Route> }>();
  private readonly rules = new Map<number, { at: number; known: boolean }>();

  constructor(
    private readonly db: Knex,
    private readonly ttlMs = 5000,
  ) {}

  /** By the alert's `send_group` label (missing, unknown or disabled → the default group). */
  forLabel(label: string | undefined): Promise<Route> {
    // A label that names no send group routes like a missing one: one entry for them all,
    // rather than every such value (up to the body limit, 1 MB) kept as a key.
    const id = sendGroupIdOf(label);
    const key = id === null ? '' : String(id);
    const now = performance.now();
    const hit = this.routes.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.routes.size > 10_000) this.routes.clear();
    const value = (async (): Promise<Route> => {
      const dest = await resolveForAlert(this.db, key || undefined);
      return { dest, repeatIntervalMs: dest ? await this.repeatInterval(dest.sendGroupId) : DEFAULT_REPEAT_MS };
    })();
    this.routes.set(key, { at: now, value });
    // A failed lookup is not remembered: the next alert asks again.
    value.catch(() => this.routes.delete(key));
    return value;
  }

  /** The destination of events stored under this send group id. */
  forGroup(sendGroupId: number): Promise<Route> {
    return this.forLabel(String(sendGroupId));
  }

  /** Which of these `rule_id` label values name an existing alert rule (one query for the unknown ones). */
  async knownRules(ids: number[]): Promise<Set<number>> {
    const now = performance.now();
    const unique = [...new Set(ids)];
    const unsure = unique.filter((id) => {
      const hit = this.rules.get(id);
      return !hit || now - hit.at >= this.ttlMs;
    });
    if (unsure.length) {
      const found = new Set((await this.db('alert_rules').whereIn('id', unsure).pluck('id')).map(Number));
      if (this.rules.size > 10_000) this.rules.clear();
      for (const id of unsure) this.rules.set(id, { at: now, known: found.has(id) });
    }
    return new Set(unique.filter((id) => this.rules.get(id)?.known));
  }

  private async repeatInterval(sendGroupId: number): Promise<number> {
    const row = await this.db('send_groups as g')
      .join('alertmanager_clusters as c', 'c.id', 'g.alertmanager_cluster_id')
      .where('g.id', sendGroupId)
      .first(this.db.raw('COALESCE(g.repeat_interval, c.repeat_interval) AS repeat_interval'));
    return (row?.repeat_interval && parseDuration(row.repeat_interval)) || DEFAULT_REPEAT_MS;
  }
}
