import yaml from 'js-yaml';
import { invalid, type FieldIssue } from '../core/errors';
import { LABEL_NAME } from '../core/names';
import { re2SyntaxError } from '../core/re2';

/**
 * Users' relabel_configs, validated the way Prometheus' model/relabel does on load, so a
 * config promduty accepts never makes `promtool check config` (or a reload) fail later.
 */

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One relabel rule as written in prometheus.yml; absent fields take Prometheus' defaults. */
export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  modulus?: number;
  target_label?: string;
  replacement?: string;
  action: RelabelAction;
}

const FIELDS = ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action'] as const;
type Field = (typeof FIELDS)[number];
const DEFAULTS = { separator: ';', regex: '(.*)', replacement: '$1', modulus: 0 } as const;

// Prometheus' relabelTarget, rewritten without nested quantifiers so a long bad name cannot backtrack for ages.
const REF = String.raw`\$(?:\{\w+\}|\w+(?!\w))`;
const RELABEL_TARGET = new RegExp(String.raw`^(?:[a-zA-Z_]|${REF})(?:\w|${REF})*$`);

const NEEDS_TARGET = new Set<RelabelAction>(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
const TEMPLATED_TARGET = new Set<RelabelAction>(['replace', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
const NO_REPLACEMENT = new Set<RelabelAction>(['lowercase', 'uppercase', 'keepequal', 'dropequal']);

// Every scalar stays a string (as Go reads it into a string field); only `~`/`null`/empty mean "unset".
const NULL = new yaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string | null) => s === null || ['', '~', 'null', 'Null', 'NULL'].includes(s),
  construct: () => null,
});
const SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [NULL] });

/**
 * Characters of relabel_configs YAML, counted again after expanding aliases: `*name` repeats
 * what `&name` marks without copying its text, so 64 KB of YAML expanded to 12,288 rules with
 * 4 KB regexes (a 50 MB prometheus.yml, 1.5 s to check) before this bound.
 */
export const RELABEL_MAX_LENGTH = 65_536;

/**
 * Parse and validate relabel_configs YAML (a list). Empty text means no rules. Throws a
 * `validation_failed` AppError whose details point at each bad field, e.g.
 * `relabel_configs[2].regex`.
 */
export function parseRelabelConfigs(yamlText: string | null, path = 'relabel_configs'): RelabelConfig[] {
  const text = yamlText ?? '';
  if (text.length > RELABEL_MAX_LENGTH) throw fromIssues([{ path, message: `is ${text.length} characters long; at most ${RELABEL_MAX_LENGTH} are allowed` }]);
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: SCHEMA });
  } catch (e) {
    throw fromIssues([{ path, message: yamlProblem(e) }]);
  }
  if (doc === undefined || doc === null) return [];
  if (!Array.isArray(doc)) throw fromIssues([{ path, message: 'must be a YAML list of relabel rules' }]);
  if (expandsPast(doc, RELABEL_MAX_LENGTH)) {
    throw fromIssues([{ path, message: `its YAML aliases (*name) expand it past ${RELABEL_MAX_LENGTH} characters; write the rules out` }]);
  }
  const issues: FieldIssue[] = [];
  const rules = doc.map((entry, i) => checkRule(entry, `${path}[${i}]`, issues));
  if (issues.length) throw fromIssues(issues);
  return rules;
}

function yamlProblem(e: unknown): string {
  if (!(e instanceof yaml.YAMLException)) return 'not valid YAML';
  // js-yaml's wording for a second document; a relabel list is exactly one.
  if (/single document/.test(e.reason)) return 'must be one YAML document (a list of relabel rules), but "---" starts another';
  // Some errors (like the one above) come without a position.
  const line = e.mark ? ` (line ${e.mark.line + 1})` : '';
  return `not valid YAML: ${e.reason}${line}`;
}

/** Whether the loaded document, aliases expanded, holds more than `budget` characters (plus one per value). */
function expandsPast(doc: unknown, budget: number): boolean {
  let left = budget;
  const stack: unknown[] = [doc];
  while (stack.length) {
    const v = stack.pop();
    left -= typeof v === 'string' ? v.length + 1 : 1;
    if (left < 0) return true;
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        left -= k.length;
        stack.push(item);
      }
    }
  }
  return false;
}

function fromIssues(issues: FieldIssue[]) {
  const first = issues[0]!;
  return invalid(`invalid relabel_configs: ${first.path}: ${first.message}`, issues);
}

function checkRule(entry: unknown, at: string, issues: FieldIssue[]): RelabelConfig {
  const rule: RelabelConfig = { action: 'replace' };
  const add = (field: string, message: string) => issues.push({ path: `${at}.${field}`, message });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    issues.push({ path: at, message: 'must be a mapping (source_labels, regex, action, ...)' });
    return rule;
  }
  const raw = entry as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
    if (!(FIELDS as readonly string[]).includes(key)) add(shown, `unknown field; allowed: ${FIELDS.join(', ')}`);
  }
  const str = (field: Field): string | undefined => {
    const v = raw[field];
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) add(field, 'must be a string');
    return undefined;
  };

  const sources = raw.source_labels;
  if (sources !== undefined && sources !== null) {
    if (!Array.isArray(sources)) add('source_labels', 'must be a list of label names');
    else {
      sources.forEach((s, j) => {
        if (typeof s !== 'string' || !LABEL_NAME.test(s)) add(`source_labels[${j}]`, 'must be a label name matching [a-zA-Z_][a-zA-Z0-9_]*');
      });
      rule.source_labels = sources.map(String);
    }
  }
  const separator = str('separator');
  if (separator !== undefined) rule.separator = separator;
  const regex = str('regex');
  if (regex !== undefined) {
    const err = re2SyntaxError(regex, 'relabel');
    if (err) add('regex', `invalid regular expression: ${err}`);
    rule.regex = regex;
  }
  const modulus = str('modulus');
  if (modulus !== undefined) {
    if (!/^\d+$/.test(modulus) || BigInt(modulus) > 2n ** 64n - 1n) add('modulus', 'must be a whole number >= 0');
    else rule.modulus = Number(modulus);
  }
  const target = str('target_label');
  if (target !== undefined) rule.target_label = target;
  const replacement = str('replacement');
  if (replacement !== undefined) rule.replacement = replacement;

  const action = str('action');
  if (action !== undefined) {
    // Prometheus lower-cases the action before looking it up.
    const a = action.toLowerCase();
    if (!(RELABEL_ACTIONS as readonly string[]).includes(a)) {
      add('action', `unknown relabel action "${action}"; known: ${RELABEL_ACTIONS.join(', ')}`);
      return rule;
    }
    rule.action = a as RelabelAction;
  }
  checkAction(rule, add);
  return rule;
}

function checkAction(rule: RelabelConfig, add: (field: string, message: string) => void): void {
  const { action } = rule;
  const target = rule.target_label ?? '';
  const isDefault = (f: keyof typeof DEFAULTS) => rule[f] === undefined || rule[f] === DEFAULTS[f];

  if (action === 'hashmod' && !rule.modulus) add('modulus', 'hashmod requires a modulus greater than 0');
  if (NEEDS_TARGET.has(action) && target === '') add('target_label', `${action} requires target_label`);
  else if (TEMPLATED_TARGET.has(action) && !RELABEL_TARGET.test(target)) {
    add('target_label', `"${target}" is not a valid target_label for ${action}`);
  } else if (action === 'hashmod' && !LABEL_NAME.test(target)) {
    add('target_label', `"${target}" is not a valid label name for hashmod`);
  }
  if (NO_REPLACEMENT.has(action) && !isDefault('replacement')) add('replacement', `replacement cannot be set for ${action}`);
  if (action === 'labelmap' && !RELABEL_TARGET.test(rule.replacement ?? DEFAULTS.replacement)) {
    add('replacement', `"${rule.replacement}" is not a valid replacement for labelmap`);
  }
  if (action === 'keepequal' || action === 'dropequal') {
    if (!rule.source_labels?.length) add('source_labels', `${action} requires source_labels`);
    // Prometheus compares the compiled regex by pointer, so any regex given, even the default, is refused.
    if (rule.regex !== undefined) add('regex', `${action} takes only source_labels and target_label`);
    for (const f of ['modulus', 'separator'] as const) {
      if (!isDefault(f)) add(f, `${action} takes only source_labels and target_label`);
    }
  }
  if (action === 'labeldrop' || action === 'labelkeep') {
    if (rule.source_labels !== undefined) add('source_labels', `${action} takes only regex`);
    if (target !== '') add('target_label', `${action} takes only regex`);
    for (const f of ['modulus', 'separator', 'replacement'] as const) {
      if (!isDefault(f)) add(f, `${action} takes only regex`);
    }
  }
}
