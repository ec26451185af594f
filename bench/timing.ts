/**
 * `npm run bench -- timing`: how fast the running system follows a change, with real
 * processes (the worlds of test/e2e/reshard-timing.test.ts and test/e2e/first-card.test.ts):
 * - re-shard settle: a 12-target http_sd pool on real Prometheus instances gets a third
 *   instance, loses one (killed) and gets it back; the figure is the slowest of the three
 *   steps, from promduty noticing to every target active on exactly its new owner;
 * - rule published → first card: promduty publishes a rule that fires at once to a real
 *   Prometheus 2.42 (evaluation interval 5 s, resend delay 2 s) alerting a real Alertmanager
 *   0.25 (group_wait 1 s); the figure is the slowest of three rules, from the reload to the
 *   card at the local Feishu server. Goal: evaluation interval + group_wait + 5 s.
 */
import { FIRST_CARD_GOAL_S, startFirstCardWorld, timeFirstCard } from '../test/support/first-card-world';
import { runReshard, startReshardWorld } from '../test/support/reshard-world';
import type { Figure } from './stats';

const SETTLE_GOAL_S = 15;
const FIRST_CARDS = 3;

export async function timingBench(): Promise<Figure[]> {
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const figures: Figure[] = [];
  const reshard = await startReshardWorld();
  try {
    for (const mode of ['hashmod', 'consistent'] as const) {
      const steps = await runReshard(reshard, mode, log);
      const worst = steps.reduce((a, b) => (b.settledS > a.settledS ? b : a));
      figures.push({
        issue: 14,
        name: `re-shard settle, ${mode} (slowest of add / kill / rejoin, from promduty noticing; 12 targets)`,
        value: worst.settledS,
        unit: 's',
        goal: { op: '<=', value: SETTLE_GOAL_S },
      });
    }
  } finally {
    await reshard.close();
  }
  const cards = await startFirstCardWorld();
  try {
    const runs = [];
    for (let i = 0; i < FIRST_CARDS; i++) {
      const f = await timeFirstCard(cards, `BenchFirstCard${i}`);
      log(`first card ${i}: ${f.reloadedS.toFixed(1)} s after the reload (${f.acceptedS.toFixed(1)} s after the API accepted it), ${f.dropped} dropped`);
      runs.push(f);
    }
    figures.push({
      issue: 14,
      name: `rule published → first card (slowest of ${FIRST_CARDS}; evaluation 5 s, group_wait 1 s, resend-delay 2 s)`,
      value: Math.max(...runs.map((r) => r.reloadedS)),
      unit: 's',
      goal: { op: '<=', value: FIRST_CARD_GOAL_S },
    });
    figures.push({
      issue: 14,
      name: 'rule accepted by the API → first card (slowest; adds the publish debounce and promtool check)',
      value: Math.max(...runs.map((r) => r.acceptedS)),
      unit: 's',
    });
  } finally {
    await cards.close();
  }
  return figures;
}
