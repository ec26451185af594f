/**
 * The message catalogue's cost (issue 16): every card text now goes through `t()` and one
 * date formatter. Builds the alert card (the card an alert storm renders most) and a month
 * roster in both languages; pure CPU, no I/O. Run alone with `npx tsx bench/i18n.ts`.
 */
import { alertCard, type AlertEventView } from '../src/cards/alert-card';
import { rosterCard } from '../src/cards/roster-card';
import type { Locale } from '../src/i18n';
import { median, type Figure } from './stats';

const EVENT: AlertEventView = {
  id: 42, alertname: 'HighCPU', status: 'firing', severity: 'critical', target: 'node-1:9100', treePath: 'company/infra/db',
  summary: 'CPU above 90% on node-1', description: 'CPU usage is 97.3% for the last 5 minutes.', value: '0.973',
  labels: { alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical' },
  generatorUrl: 'http://prom-1:9090/graph?g0.expr=up', grafanaUrl: null, firstSeenAt: new Date('2025-03-14T02:00:00Z'),
  lastSeenAt: new Date('2025-03-14T02:29:00Z'), resolvedAt: null, count: 3, claimedBy: { name: 'Bob' }, claimedAt: new Date('2025-03-14T02:10:00Z'),
  silencedUntil: new Date('2025-03-14T03:30:00Z'), escalationLevel: 1,
};
const NOW = new Date('2025-03-14T02:30:00Z');
const DAYS = Array.from({ length: 31 }, (_, i) => ({ day: `2025-03-${String(i + 1).padStart(2, '0')}`, userName: ['Alice', 'Bob', 'Carol'][i % 3]!, reason: 'rotation' as const }));

/** Median microseconds per build, over `rounds` rounds of `n` builds. */
function perBuild(build: () => unknown, n = 500, rounds = 15): number {
  for (let i = 0; i < n; i++) build();
  const samples = Array.from({ length: rounds }, () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) build();
    return ((performance.now() - t0) * 1000) / n;
  });
  return median(samples);
}

export function i18nBench(): Promise<Figure[]> {
  const alert = (locale: Locale) => () => alertCard({ event: EVENT, sendGroupName: 'infra', oncall: { name: 'Alice', openId: 'ou_alice01' }, timezone: 'Asia/Shanghai', now: NOW, withButtons: true, locale });
  const roster = (locale: Locale) => () => rosterCard({ locale, groupName: 'infra', groupId: 3, month: '2025-03', days: DAYS, today: '2025-03-14', timezone: 'Asia/Shanghai' });
  const note = 'pure CPU: card JSON built, t() and the date format included';
  return Promise.resolve([
    { issue: 16, name: 'alert card built in en', value: perBuild(alert('en')), unit: 'µs', note },
    { issue: 16, name: 'alert card built in zh-CN', value: perBuild(alert('zh-CN')), unit: 'µs', goal: { op: '<=', value: 1000 }, note },
    { issue: 16, name: 'roster month card built in zh-CN', value: perBuild(roster('zh-CN')), unit: 'µs', goal: { op: '<=', value: 1000 }, note },
  ]);
}

if (require.main === module) {
  void i18nBench().then((figures) => {
    for (const f of figures) process.stdout.write(`${f.name}: ${f.value.toFixed(1)} ${f.unit}\n`);
  });
}
