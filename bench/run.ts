/**
 * `npm run bench`: runs every benchmark on this machine with real MariaDB and Redis and
 * writes the figures, with their goals, to BENCHMARKS.md. `npm run bench -- scrape rules`
 * runs only those suites (the file then keeps the other suites' last figures out).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { alertsBench } from './alerts';
import { calendarBench } from './calendar';
import { chatBench } from './chat';
import { groupsBench } from './groups';
import { rosterBench, rosterBenchData } from './roster';
import { rulesBench } from './rules';
import { scrapeBench } from './scrape';
import { suggestBench } from './suggest';
import { timingBench } from './timing';
import { statsBench } from './stats-report';
import { validationBench } from './validation';
import { median, meets, type Figure } from './stats';

async function roster(): Promise<Figure[]> {
  const today = '2026-06-15';
  const data = rosterBenchData(100, today);
  for (let i = 0; i < 5; i++) rosterBench(data, today);
  const runs = Array.from({ length: 30 }, () => rosterBench(data, today));
  return [{ issue: 5, name: 'roster of one year for 100 groups', value: median(runs), unit: 'ms', goal: { op: '<=', value: 50 } }];
}

const suites: Record<string, () => Promise<Figure[]>> = {
  scrape: scrapeBench,
  rules: rulesBench,
  roster,
  alerts: alertsBench,
  chat: () => chatBench(),
  groups: groupsBench,
  validation: validationBench,
  suggest: suggestBench,
  stats: statsBench,
  calendar: calendarBench,
  timing: timingBench,
};

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const figures: Figure[] = [];
  for (const [name, run] of Object.entries(suites)) {
    if (wanted.length && !wanted.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    const got = await run();
    for (const f of got) process.stderr.write(`  ${f.name}: ${fmt(f.value)} ${f.unit}\n`);
    figures.push(...got);
  }
  figures.sort((a, b) => a.issue - b.issue);
  const rows = figures.map((f) => {
    const ok = meets(f);
    const goal = f.goal ? `${f.goal.op === '<=' ? '≤' : '≥'} ${f.goal.value}` : '';
    return `| #${f.issue} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${goal} | ${ok === null ? '' : ok ? 'yes' : '**no**'} |`;
  });
  const md = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}),`,
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, real MariaDB and Redis on loopback. Medians unless the name says otherwise.`,
    '',
    '| issue | what | measured | goal | met |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  writeFileSync('BENCHMARKS.md', md);
  process.stderr.write('bench: wrote BENCHMARKS.md\n');
  // Clients (Redis, pools) may keep the loop alive; the figures are written.
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
});
