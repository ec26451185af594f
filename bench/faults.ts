/**
 * `npm run faults`: the fault scenarios of test/e2e/faults-*.test.ts with thousands of alerts
 * each; prints the figures table (for BENCHMARKS.md) and fails when an acknowledged alert was
 * lost or a card posted twice. `npm run faults -- "Redis SIGKILL"` runs only the scenarios
 * named; `--small` uses the sizes of `npm test`.
 */
import { figuresTable, type FaultFigures } from '../test/support/fault-figures';
import { FAULTS_SIZE, runScenario, SCENARIOS, startFaultServers, TEST_SIZE, type ScenarioName } from '../test/support/fault-world';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const size = args.includes('--small') ? TEST_SIZE : FAULTS_SIZE;
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !SCENARIOS.includes(w as ScenarioName));
  if (unknown.length) throw new Error(`no such scenario: ${unknown.join(', ')} (there are: ${SCENARIOS.join(', ')})`);
  const servers = await startFaultServers();
  const figures: FaultFigures[] = [];
  try {
    for (const name of SCENARIOS.filter((s) => !wanted.length || wanted.includes(s))) {
      process.stderr.write(`faults: ${name}…\n`);
      const { figures: f, logs } = await runScenario(name, servers, size, (line) => process.stderr.write(`  ${line}\n`));
      figures.push(f);
      process.stderr.write(`  ${JSON.stringify(f)}\n`);
      if (process.env.FAULTS_LOGS) process.stderr.write(`${logs}\n`);
    }
  } finally {
    await servers.close();
  }
  process.stdout.write(`${figuresTable(figures)}\n`);
  const bad = figures.filter((f) => f.lost || f.refused || f.unacknowledged || f.duplicateEvents || f.duplicateCards || f.missingCards || f.drainMs === null);
  process.exit(bad.length ? 1 : 0);
}

main().catch((e: unknown) => {
  process.stderr.write(`faults failed: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
});
