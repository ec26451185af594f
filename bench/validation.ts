import { execFileSync } from 'node:child_process';
import { parseKeyValueLines } from '../src/cards/actions';
import { escLine } from '../src/cards/card';
import { MAX_COMMAND_LENGTH, parseCommand, parseIds } from '../src/chat/parse';
import { RE2_LIMITS, re2SyntaxError } from '../src/core/re2';
import { parseDuration } from '../src/core/names';
import { silentLogger } from '../src/core/logger';
import { sha256Hex } from '../src/core/hashing';
import { toolConfigCheck } from '../src/publish/config-check';
import { alertRuleCreateSchema } from '../src/rules/alert-rule-schema';
import { templateProblem } from '../src/rules/go-template';
import { renderPoolRuleFiles } from '../src/rules/pool-rule-files';
import { validatePromql } from '../src/rules/promql';
import { PROMQL_LIMITS } from '../src/rules/promql-parse';
import { requireValidPromql, requireValidTemplates, RULE_LIMITS } from '../src/rules/rule-fields';
import type { AlertRuleSpec } from '../src/rules/model';
import { hostCreateSchema } from '../src/inventory/hosts';
import { jobCreateSchema, MAX_STATIC_TARGETS } from '../src/scrape/job-schema';
import { parseRelabelConfigs, RELABEL_MAX_LENGTH } from '../src/scrape/relabel';
import { median, type Figure } from './stats';

/**
 * Issue 13: no input a user can send may stall the event loop. Every check users can feed
 * runs over adversarial inputs at (and past) its limits; each figure is the worst input's
 * median time, warm, against the 50 ms goal, and names that input.
 */

interface Case {
  name: string;
  run: () => unknown;
}

const fill = (unit: string, length: number): string => unit.repeat(Math.max(0, Math.floor(length / unit.length)));
const nested = (open: string, close: string, levels: number, inner = 'up') => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;
/** `((u+u)+(u+u))…`: a balanced tree of selectors, about `length` characters. */
function balanced(length: number, leaf = 'u'): string {
  let parts = Array.from({ length: Math.floor(length / (leaf.length + 3)) }, () => leaf);
  while (parts.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < parts.length; i += 2) next.push(parts[i + 1] ? `(${parts[i]}+${parts[i + 1]})` : parts[i]!);
    parts = next;
  }
  return parts[0]!;
}
const quietly = (fn: () => unknown) => () => {
  try {
    fn();
  } catch {
    // A refusal (a thrown validation error) is an answer too; its time is what counts.
  }
};

function promqlCases(): Case[] {
  const { maxDepth: depth, maxCode: code, maxLength: length } = PROMQL_LIMITS;
  const exprs: [string, string][] = [
    ['1,000 nested parentheses (refused)', nested('(', ')', 1000)],
    ['3,000 nested parentheses (refused)', nested('(', ')', 3000)],
    ['1,000 open parentheses (refused)', '('.repeat(1000)],
    [`${depth - 1} nested parentheses`, nested('(', ')', depth - 1)],
    [`${depth - 1} nested function calls`, nested('abs(', ')', depth - 1)],
    [`${depth - 1} nested aggregations`, nested('sum(', ')', depth - 1)],
    [`${depth - 1} unary minus`, `${'-'.repeat(depth - 1)}up`],
    [`or-chain of ${depth - 1} operators`, Array.from({ length: depth }, (_, i) => `up{i="${i}"}`).join(' or ')],
    [`${Math.floor(depth / 3)} nested subqueries`, nested('max_over_time((', ')[5m:1m])', Math.floor(depth / 3) - 1)],
    ['balanced tree of selectors, 4 KB', balanced(code)],
    ['deep parentheses around a wide tree, 4 KB', nested('(', ')', depth - 15, balanced(code - 2 * depth, '1'))],
    ['sum(a, b, …) 4 KB', `sum(${fill('up,', code - 8)}up)`],
    ['one selector, 4 KB of matchers', `up{${fill('a="b",', code - 4)}}`],
    ['14 KB of regex matchers', `up{${fill('a=~"(a|b)*c",', length - 4)}}`],
    ['14 KB label-matcher regex [[:[:…', `up{a=~"[${fill('[:', length - 12)}]"}`],
    ['label-matcher regex, 998 nested groups', `up{a=~"${nested('(', ')', 998, 'a')}"}`],
    ['garbage: 4 KB of ")"', fill(')', code)],
    ['garbage: 4 KB of "up "', fill('up ', code)],
    ['garbage: 4 KB of "1 "', fill('1 ', code)],
    ['garbage: 4 KB of "+ "', fill('+ ', code)],
    ['garbage: 4 KB of "up{(]"', fill('up{(]', code)],
    ['14 KB of comments', `${fill('# comment\n', length - 4)}up`],
    ['64 KB (refused)', fill('up + ', 65_000)],
  ];
  return exprs.map(([name, expr]) => ({ name, run: () => validatePromql(expr, { forRule: true }) }));
}

function regexCases(): Case[] {
  const n = RE2_LIMITS.maxLength;
  const patterns: [string, string][] = [
    ['alternation', fill('abc|', n)],
    ['[[:[:[: …', `[${fill('[:', n - 2)}`],
    ['998 nested groups', nested('(', ')', 998, 'a')],
    ['8,000 nested groups (refused)', fill('(', n / 2) + fill(')', n / 2)],
    ['classes', fill('[a-z]', n)],
    ['repeats', fill('a{1,2}', n)],
    ['nested repeats', fill('(a{2}', n / 2) + fill(')', n / 4)],
    ['too large (refused)', fill('(?:abc){1000}', n)],
    ['\\Q…', fill('\\Q', n)],
    ['escapes', fill('\\.', n)],
    ['Unicode classes', `[${fill('\\pL', n - 2)}]`],
    ['catastrophic for backtracking engines', `(a+)+${fill('(a|aa)+', n - 10)}$`],
    ['too long (refused)', fill('a', n + 1)],
  ];
  return patterns.flatMap(([name, p]) => [
    { name: `${name}, as a label matcher`, run: () => re2SyntaxError(p, 'matcher') },
    { name: `${name}, as a relabel regex`, run: () => re2SyntaxError(p, 'relabel') },
  ]);
}

function relabelCases(): Case[] {
  const n = RELABEL_MAX_LENGTH;
  const longRe = fill('a|', 8000);
  const yamls: [string, string][] = [
    ['1,400 rules in flow style, 64 KB', fill('- {action: drop, source_labels: [a], regex: x}\n', n)],
    ['1,400 rules in block style, 64 KB', fill('- action: drop\n  source_labels: [a]\n  regex: x\n', n)],
    ['four 14 KB regexes', fill(`- action: drop\n  source_labels: [a]\n  regex: '${fill('ab|', RE2_LIMITS.maxLength - 10)}c'\n`, n)],
    ['alias repeating a 14 KB regex (refused)', `- {action: drop, source_labels: [a], regex: &r "${longRe}"}\n${fill('- {action: drop, source_labels: [a], regex: *r}\n', n - longRe.length - 60)}`],
    ['alias repeating 15,000 label names (refused)', `- {action: drop, source_labels: &l [${fill('a,', 30_000)}a]}\n${fill('- {action: drop, source_labels: *l}\n', n - 30_100)}`],
    ['alias repeating a whole rule (refused)', `- &x {action: drop, source_labels: [a], regex: "${fill('a|', 4000)}b"}\n${fill('- *x\n', n - 4100)}`],
    ['64 KB of nested flow lists (refused)', fill('[', n)],
    ['several documents (refused)', '- action: keep\n  source_labels: [a]\n---\nscrape_configs: []'],
    ['64 KB of anchors', fill('- &a x\n', n)],
  ];
  return yamls.map(([name, text]) => ({ name, run: quietly(() => parseRelabelConfigs(text, 'relabelConfigs')) }));
}

function templateCases(): Case[] {
  const { maxEntries, maxTemplateText } = RULE_LIMITS;
  const perAnnotation = Math.floor(maxTemplateText / 4);
  const rule = (annotation: string) => ({
    name: 'R',
    labels: {},
    annotations: Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`a${i}`, annotation])),
    grafanaUrl: null,
  });
  const texts: [string, string][] = [
    ['{{.}} dense', fill('{{.}}', perAnnotation)],
    ['{{ $value }} dense', fill('{{ $value }}', perAnnotation)],
    ['long pipelines', `{{ $value${fill(' | humanize', perAnnotation - 20)} }}`],
    ['string literals', fill('{{ "abc\\n" }}', perAnnotation)],
    ['numbers', fill('{{ 0x1p-2 }}', perAnnotation)],
    ['nested ifs (refused past 100)', fill('{{if .}}', perAnnotation)],
    ['nested parentheses (refused past 100)', `{{ ${fill('(', perAnnotation / 2 - 4)}1${fill(')', perAnnotation / 2 - 4)} }}`],
    ['open actions (refused)', fill('{{', perAnnotation)],
  ];
  const cases = texts.map(([name, text]) => ({ name: `4 annotations of 8 KB: ${name}`, run: quietly(() => requireValidTemplates(rule(text))) }));
  const labels = Object.fromEntries(Array.from({ length: maxEntries }, (_, i) => [`l${i}`, fill('{{ $labels.x }}', 1000)]));
  cases.push({ name: `${maxEntries} labels of 1 KB templates`, run: quietly(() => requireValidTemplates({ name: 'R', labels, annotations: {}, grafanaUrl: null })) });
  cases.push({ name: 'one 14 KB template, dense', run: () => templateProblem(fill('{{.}}', 16_384)) });
  return cases;
}

/** A whole alert rule save minus the database: the schema, the expression, the templates. */
function ruleSaveCases(): Case[] {
  const annotations = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`a${i}`, fill('{{ $value }}', RULE_LIMITS.maxTemplateText / 4)]));
  const labels = Object.fromEntries(Array.from({ length: RULE_LIMITS.maxEntries }, (_, i) => [`l${i}`, 'x']));
  const bodies: [string, unknown][] = [
    ['worst expression and templates', { poolId: 1, sendGroupId: 1, name: 'R', expr: balanced(PROMQL_LIMITS.maxCode), labels: {}, annotations }],
    ['1,000 nested parentheses (refused)', { poolId: 1, sendGroupId: 1, name: 'R', expr: nested('(', ')', 1000), labels, annotations }],
    ['10,000 labels (refused)', { poolId: 1, sendGroupId: 1, name: 'R', expr: 'up', labels: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`l${i}`, 'x'])) }],
  ];
  return bodies.map(([name, body]) => ({
    name,
    run: quietly(() => {
      const rule = alertRuleCreateSchema.parse(body);
      requireValidPromql('expr', rule.expr);
      requireValidTemplates(rule);
    }),
  }));
}

function chatAndOtherCases(): Case[] {
  const staticJob = { poolId: 1, name: 'j', discovery: { kind: 'static', targets: Array.from({ length: MAX_STATIC_TARGETS }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:9100`) } };
  const hugeHost = { hostname: 'h', ip: '10.0.0.1', labels: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`l${i}`, 'v'])) };
  // What handleMessage and /silence do with the text before any call out (src/chat/handle.ts, commands/silence.ts).
  const silence = (text: string) => () => {
    if (text.length > MAX_COMMAND_LENGTH) return;
    const cmd = parseCommand(text, []);
    const last = cmd?.args.at(-1) ?? '';
    parseDuration(last);
    parseIds(cmd?.args.slice(0, -1) ?? []);
    /^alertname=(.+)$/.exec(cmd?.args[0] ?? '');
  };
  return [
    { name: '/silence with a 4 KB duration', run: silence(`/silence 42 ${'9'.repeat(MAX_COMMAND_LENGTH - 20)}x`) },
    { name: '/silence with 800 ids, 4 KB', run: silence(`/silence ${fill('4242,', MAX_COMMAND_LENGTH - 20)} 1h`) },
    { name: '/silence alertname=<4 KB>', run: silence(`/silence alertname=${'a'.repeat(MAX_COMMAND_LENGTH - 30)} 1h`) },
    { name: 'a 1 MB message (refused)', run: silence(`/silence ${'1 '.repeat(500_000)}`) },
    { name: 'rule form: 64 KB of key=value lines', run: () => parseKeyValueLines(fill('k=v \\n x\n', 65_536)) },
    { name: 'card text: 100,000 spaces (escLine)', run: () => escLine(`a${' '.repeat(100_000)}b`) },
    { name: 'a host with 60,000 labels (refused)', run: () => hostCreateSchema.safeParse(hugeHost) },
    { name: 'a static job with 10,000 targets', run: () => jobCreateSchema.safeParse(staticJob) },
    {
      name: 'scrape job: 1 MB caCert of BEGIN lines',
      run: () => jobCreateSchema.safeParse({ poolId: 1, name: 'j', discovery: { kind: 'kubernetes_sd', role: 'pod', inCluster: false, apiServer: 'https://k', bearerToken: 't', caCert: fill('-----BEGIN CERTIFICATE-----x', 1 << 20) } }),
    },
  ];
}

/** The worst case's median over `runs` warm runs. */
function worstOf(cases: Case[], runs = 11): { name: string; ms: number } {
  let worst = { name: '', ms: -1 };
  for (const c of cases) {
    for (let i = 0; i < 3; i++) c.run();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      c.run();
      samples.push(performance.now() - t0);
    }
    const ms = median(samples);
    if (ms > worst.ms) worst = { name: c.name, ms };
  }
  return worst;
}

/** What a publish adds per instance: one promtool run over its files (here 5,000 alert rules). */
async function promtoolCheckMs(): Promise<number | null> {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const rules: AlertRuleSpec[] = Array.from({ length: 5000 }, (_, i) => ({
    id: i + 1, poolId: 1, sendGroupId: 1, treeNodeId: null, treePath: null, name: `Rule${i}`, expr: `rate(http_requests_total{job="j${i % 40}"}[5m]) > ${i}`,
    for: '5m', severity: 'warning', labels: { team: `t${i % 40}` }, annotations: { summary: `{{ $labels.instance }} at {{ $value | humanize }}` }, grafanaUrl: null, enabled: true,
  }));
  const files = renderPoolRuleFiles([{ address: 'a:9090', healthy: true }], { alertRules: rules, recordRules: [] }).get('a:9090')!;
  const content = [
    { path: 'prometheus.yml', content: 'global:\n  scrape_interval: 15s\nrule_files: [rules.yml, records.yml]\nscrape_configs: []\n' },
    { path: 'rules.yml', content: files.rules },
    { path: 'records.yml', content: files.records },
  ].map((f) => ({ ...f, hash: sha256Hex(f.content) }));
  const check = toolConfigCheck(silentLogger());
  const target = { kind: 'prometheus' as const, id: 1, address: 'a:9090', dir: '', configFile: 'prometheus.yml', files: content };
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const refusal = await check.refusal(target);
    if (refusal) throw new Error(`promtool refused the bench rules: ${refusal}`);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

export async function validationBench(): Promise<Figure[]> {
  const goal = { op: '<=' as const, value: 50 };
  const suites: [string, Case[]][] = [
    ['PromQL check (API, rule save, chat rule form)', promqlCases()],
    ['RE2 regex check (label matchers, relabel)', regexCases()],
    ['relabel_configs YAML check', relabelCases()],
    ['Go template check (alert labels, annotations)', templateCases()],
    ['alert rule save checks, without the database', ruleSaveCases()],
    ['chat commands and other user input', chatAndOtherCases()],
  ];
  const figures: Figure[] = suites.map(([what, cases]) => {
    const w = worstOf(cases);
    return { issue: 13, name: `${what}: worst of ${cases.length} adversarial inputs (${w.name})`, value: w.ms, unit: 'ms', goal };
  });
  const check = await promtoolCheckMs();
  if (check !== null) figures.push({ issue: 13, name: 'publish: promtool check of one instance (prometheus.yml + 5,000 alert rules), child process', value: check, unit: 'ms' });
  return figures;
}
