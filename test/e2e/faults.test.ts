import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresTable, type FaultFigures } from '../support/fault-figures';
import { runScenario, SCENARIOS, startFaultServers, TEST_SIZE, type FaultServers } from '../support/fault-world';
import { killTracked } from '../support/reaper';

/**
 * Issue 13, "the suite is part of the promise": while promduty, Redis or MariaDB fails under a
 * steady stream of new alerts, no alert promduty acknowledged is lost and no card is posted
 * twice. `npm run faults` runs the same scenarios with thousands of alerts.
 */
describe('fault scenarios: no acknowledged alert lost, no card twice', { timeout: 900_000 }, () => {
  let servers: FaultServers | null = null;
  const figures: FaultFigures[] = [];

  before(async () => {
    servers = await startFaultServers();
  }, { timeout: 90_000 });

  after(async () => {
    if (figures.length) process.stdout.write(`\nfault scenarios (npm test size):\n${figuresTable(figures)}\n`);
    await servers?.close();
    await killTracked();
  }, { timeout: 60_000 });

  for (const name of SCENARIOS) {
    test(name, { timeout: 240_000 }, async (t) => {
      const { figures: f, logs } = await runScenario(name, servers!, TEST_SIZE, (line) => t.diagnostic(line));
      figures.push(f);
      t.diagnostic(JSON.stringify(f));
      const why = `${JSON.stringify(f)}\n${logs}`;
      assert.ok(f.acknowledged > 0, why);
      assert.equal(f.lost, 0, `acknowledged alerts lost: ${why}`);
      assert.equal(f.refused, 0, `alerts refused with a 4xx: ${why}`);
      assert.equal(f.unacknowledged, 0, `alerts never acknowledged: ${why}`);
      assert.equal(f.duplicateEvents, 0, `episodes split: ${why}`);
      assert.equal(f.duplicateCards, 0, `cards posted twice: ${why}`);
      assert.equal(f.missingCards, 0, `alerts without their cards: ${why}`);
      assert.notEqual(f.drainMs, null, `did not drain: ${why}`);
    });
  }
});
