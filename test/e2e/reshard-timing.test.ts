import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runReshard, startReshardWorld, type ReshardWorld } from '../support/reshard-world';

/**
 * Issue 14: both sharding modes re-shard within 15 s of promduty noticing, with real Prometheus
 * processes (see reshard-world.ts for what is timed). The figure is measured inside the world
 * from timestamps; the test's own timeout is generous because a loaded box is slow to start
 * processes, not because the figure may be.
 */
const SETTLE_GOAL_S = 15;

let w: ReshardWorld;
before(async () => {
  w = await startReshardWorld();
});
after(async () => {
  await w?.close();
});

for (const mode of ['hashmod', 'consistent'] as const) {
  test(`${mode}: add, kill and rejoin each settle within ${SETTLE_GOAL_S} s of promduty noticing, then exactly once`, { timeout: 240_000 }, async () => {
    const figures = await runReshard(w, mode, (line) => console.log(`  ${line}`));
    assert.deepEqual(figures.map((f) => f.step), ['add', 'kill', 'rejoin']);
    for (const f of figures) assert.ok(f.settledS <= SETTLE_GOAL_S, `${mode} ${f.step}: settled ${f.settledS.toFixed(1)} s after promduty noticed`);
  });
}
