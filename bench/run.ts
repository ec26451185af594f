/**
 * `npm run bench`: runs every benchmark on this machine with real MariaDB and Redis and
 * writes the figures, with their goals, to BENCHMARKS.md. `npm run bench -- scrape rules`
 * runs only those parts: the rows of the other parts are kept from the file as they were
 * (each row names its part and the day it was measured), and so is everything below the table
 * (sections starting with `## `, e.g. the fault scenarios' table from `npm run faults`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { alertsBench } from './alerts';
import { calendarBench } from './calendar';
import { chatBench } from './chat';
import { groupsBench } from './groups';
import { i18nBench } from './i18n';
import { rosterBench, rosterBenchData } from './roster';
import { rulesBench } from './rules';
import { scrapeBench } from './scrape';
import { suggestBench } from './suggest';
import { timingBench } from './timing';
import { remedyBench } from './remedy';
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
  i18n: i18nBench,
  remedy: remedyBench,
};

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in suites));
  if (unknown.length) throw new Error(`no such bench part: ${unknown.join(', ')} (there are: ${Object.keys(suites).join(', ')})`);
  const figures: Array<Figure & { part: string }> = [];
  for (const [name, run] of Object.entries(suites)) {
    if (wanted.length && !wanted.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    const got = await run();
    for (const f of got) process.stderr.write(`  ${f.name}: ${fmt(f.value)} ${f.unit}\n`);
    figures.push(...got.map((f) => ({ ...f, part: name })));
  }
  const today = new Date().toISOString().slice(0, 10);
  const fresh = figures.map((f) => {
    const ok = meets(f);
    const goal = f.goal ? `${f.goal.op === '<=' ? '≤' : '≥'} ${f.goal.value}` : '';
    return { issue: f.issue, row: `| #${f.issue} | ${f.part} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${goal} | ${ok === null ? '' : ok ? 'yes' : '**no**'} | ${today} |` };
  });
  const before = existsSync('BENCHMARKS.md') ? readBenchmarks(readFileSync('BENCHMARKS.md', 'utf8')) : { rows: [], tail: '' };
  const kept = before.rows.filter((r) => !wanted.length || !wanted.includes(r.part)).filter((r) => r.part in suites);
  const rows = [...fresh, ...kept].sort((a, b) => a.issue - b.issue).map((r) => r.row);
  const md = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\`: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version},`,
    'real MariaDB and Redis on loopback. Medians unless the name says otherwise; each row says the day it was measured.',
    '',
    '| issue | part | what | measured | goal | met | measured on |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    before.tail,
  ].join('\n');
  writeFileSync('BENCHMARKS.md', md.trimEnd() + '\n');
  process.stderr.write('bench: wrote BENCHMARKS.md\n');
  // Clients (Redis, pools) may keep the loop alive; the figures are written.
  process.exit(0);
}

/** The rows of an earlier BENCHMARKS.md (those with a part column) and the sections below its table. */
function readBenchmarks(text: string): { rows: Array<{ issue: number; part: string; row: string }>; tail: string } {
  const lines = text.split('\n');
  const rows = lines
    .map((row) => ({ row, cells: row.split('|').map((c) => c.trim()) }))
    .filter(({ cells }) => cells.length === 9 && /^#\d+$/.test(cells[1] ?? ''))
    .map(({ row, cells }) => ({ issue: Number(cells[1]!.slice(1)), part: cells[2]!, row }));
  const tailAt = lines.findIndex((l) => l.startsWith('## '));
  return { rows, tail: tailAt < 0 ? '' : lines.slice(tailAt).join('\n') };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
});
