import type { Clock } from '../core/clock';
import type { Metrics } from '../core/metrics';
import { statsWindow } from './figures';
import type { StatsService } from './service';

type StatsGauges = Pick<Metrics, 'statsAlerts' | 'statsMtta' | 'statsMttr' | 'statsPages' | 'statsAfterHoursPages' | 'statsFlappingAlerts'>;

/** How long the figures of a scrape are reused: a week's figures hardly move in minutes. */
export const STATS_METRICS_TTL_MS = 5 * 60_000;
const WINDOW = '7d';

/**
 * A refresh for `Metrics.refreshOnScrape`: the 7-day figures of every send group, read from
 * the database at most every STATS_METRICS_TTL_MS (one scrape in a while pays for them; the
 * others reuse them), one refresh at a time. Groups deleted since drop out.
 */
export function statsMetricsRefresh(stats: Pick<StatsService, 'groups' | 'reportFor' | 'zoneOf'>, m: StatsGauges, clock: Clock, ttlMs = STATS_METRICS_TTL_MS) {
  let last = -Infinity;
  let running: Promise<void> | null = null;
  const refresh = async (): Promise<void> => {
    const now = clock.now();
    const groups = await stats.groups();
    const reports = [];
    for (const g of groups) reports.push({ g, r: await stats.reportFor(groups, g, statsWindow(now, 7, stats.zoneOf(g))) });
    const gauges = [m.statsAlerts, m.statsMtta, m.statsMttr, m.statsPages, m.statsAfterHoursPages, m.statsFlappingAlerts];
    for (const gauge of gauges) gauge.reset();
    for (const { g, r } of reports) {
      const labels = { send_group: g.name, window: WINDOW };
      const f = r.figures;
      m.statsAlerts.set(labels, f.alerts);
      if (f.mttaSeconds !== null) m.statsMtta.set(labels, f.mttaSeconds);
      if (f.mttrSeconds !== null) m.statsMttr.set(labels, f.mttrSeconds);
      m.statsPages.set(labels, f.pages);
      m.statsAfterHoursPages.set(labels, f.afterHoursPages);
      m.statsFlappingAlerts.set(labels, f.flappingAlerts);
    }
    last = now.getTime();
  };
  return (): Promise<void> => {
    if (running) return running;
    if (clock.now().getTime() - last < ttlMs) return Promise.resolve();
    running = refresh().finally(() => {
      running = null;
    });
    return running;
  };
}
