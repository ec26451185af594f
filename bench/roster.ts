/**
 * computeRoster at scale: one year of roster for 100 groups (target ≤ 50 ms on the 2-core
 * machine). Each group has 3-10 members, 90 recorded days and a few swaps, like a busy
 * deployment. Run alone with `npx tsx bench/roster.ts`, or import `rosterBench` into a runner.
 */
import { addDays, computeRoster, type HistoryEntry, type RosterGroup, type SwapEntry } from '../src/oncall/roster';

interface GroupData {
  group: RosterGroup;
  history: HistoryEntry[];
  swaps: SwapEntry[];
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Shanghai', 'UTC'];

export function rosterBenchData(groups: number, today: string): GroupData[] {
  return Array.from({ length: groups }, (_, g) => {
    const members = Array.from({ length: 3 + (g % 8) }, (_, i) => g * 100 + i);
    const history = Array.from({ length: 90 }, (_, i) => ({ day: addDays(today, i - 90), userId: members[(i >> 2) % members.length]! }));
    const swaps = Array.from({ length: 5 }, (_, i) => ({ id: g * 10 + i, day: addDays(today, i * 40), toUserId: members[0]! }));
    const group = { shiftDays: 1 + (g % 7), startDate: '2025-01-06', handoffTime: '10:00', timezone: ZONES[g % ZONES.length]!, members };
    return { group, history, swaps };
  });
}

/** Milliseconds for one pass: a year of roster (from today) for every group. */
export function rosterBench(data: GroupData[], today: string): number {
  const to = addDays(today, 364);
  const t0 = performance.now();
  for (const { group, history, swaps } of data) computeRoster(group, history, swaps, today, to, today);
  return performance.now() - t0;
}

if (require.main === module) {
  const today = '2026-06-15';
  const data = rosterBenchData(100, today);
  const cold = rosterBench(data, today);
  for (let i = 0; i < 5; i++) rosterBench(data, today); // let the JIT settle
  const runs = Array.from({ length: 30 }, () => rosterBench(data, today)).sort((a, b) => a - b);
  const at = (q: number): string => runs[Math.floor(q * (runs.length - 1))]!.toFixed(1);
  console.log(`roster, 100 groups × 365 days: first pass ${cold.toFixed(1)} ms; warm median ${at(0.5)} ms, p90 ${at(0.9)} ms`);
}
