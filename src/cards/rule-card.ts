import { formatKeyValueLines, type RuleFormField } from './actions';
import { card, esc, escLine, fields, header, md, note, option, text, textTag, type Card, type Element, type Input, type SelectStatic } from './card';
import { clip } from '../core/text';
import { severityStyle } from './alert-parts';
import type { Say } from '../core/errors';
import { sayText, t, type Locale } from '../i18n';

export interface RuleView {
  id: number;
  alertname: string;
  poolName?: string | null;
  sendGroupName?: string | null;
  treePath?: string | null;
  expr: string;
  for: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  enabled: boolean;
  /** Where the rule runs and whether it sees all its data (issue 14); absent: not shown. */
  placement?: RulePlacementLine | null;
}

export interface RulePlacementLine {
  engine: string;
  replicas: number;
  evaluators: string[];
  complete: boolean;
  /** One line: where the data comes from. */
  source: Say;
}

export interface RuleCardInput {
  rule: RuleView;
  /** Viewers get the rule without the edit form. */
  editable: boolean;
  /** What the user submitted, shown back in the form when it was refused. */
  draft?: Partial<Record<RuleFormField, string>> | null;
  /** Why the last submit was refused (PromQL error, bad label line, …). */
  error?: { message: string; details?: string[] } | null;
  locale: Locale;
}

// Feishu's input holds at most 1000 characters.
const INPUT_MAX = 1000;
const SEVERITIES = ['critical', 'warning', 'info'];

const input = (name: RuleFormField, label: string, value: string, rows?: number): Input => ({
  tag: 'input',
  name,
  label: text(label),
  label_position: 'top',
  default_value: value,
  max_length: INPUT_MAX,
  width: 'fill',
  ...(rows ? { input_type: 'multiline_text' as const, rows } : {}),
});

const select = (name: RuleFormField, placeholder: string, options: Array<[string, string]>, initial: string): SelectStatic => ({
  tag: 'select_static',
  name,
  placeholder: text(placeholder),
  options: options.map(([label, value]) => option(label, value)),
  initial_option: initial,
  width: 'fill',
  required: true,
});

/** `/rule <id>`: the rule, and for editors a form that submits `{a:'rule_save', r:id}`. */
export function ruleCard({ rule, editable, draft, error, locale: L }: RuleCardInput): Card {
  const values: Record<RuleFormField, string> = {
    expr: draft?.expr ?? rule.expr,
    for: draft?.for ?? rule.for,
    severity: draft?.severity ?? rule.severity,
    labels: draft?.labels ?? formatKeyValueLines(rule.labels),
    annotations: draft?.annotations ?? formatKeyValueLines(rule.annotations),
    enabled: draft?.enabled ?? String(rule.enabled),
  };
  const elements: Element[] = [];
  if (error) {
    const details = (error.details ?? []).slice(0, 10).map((d) => `- ${escLine(clip(d, 300))}`);
    elements.push(md([t(L, 'rule.notSaved', { error: escLine(clip(error.message, 500)) }), ...details].join('\n')));
  }
  elements.push(md(`${t(L, 'rule.expression')}\n${esc(clip(rule.expr, 2000))}`));
  const pairs: Array<[string, string]> = [
    [t(L, 'rule.for'), escLine(rule.for)],
    [t(L, 'rule.severity'), escLine(rule.severity)],
    [t(L, 'rule.pool'), rule.poolName ? escLine(rule.poolName) : '—'],
    [t(L, 'alert.sendGroup'), rule.sendGroupName ? escLine(rule.sendGroupName) : '—'],
  ];
  if (rule.treePath) pairs.push([t(L, 'alert.serviceTree'), escLine(rule.treePath)]);
  if (rule.placement) pairs.push(...placementPairs(L, rule.placement));
  elements.push(...fields(pairs));

  const tooLong = (['expr', 'labels', 'annotations'] as const).filter((f) => values[f].length > INPUT_MAX);
  if (!editable || tooLong.length) {
    const kv = (r: Record<string, string>) => Object.keys(r).sort().map((k) => `${escLine(k)}: ${escLine(clip(r[k] ?? '', 300))}`);
    elements.push(md([t(L, 'rule.labels'), ...kv(rule.labels), t(L, 'rule.annotations'), ...kv(rule.annotations)].join('\n'), 'notation'));
  }
  if (editable && tooLong.length) {
    elements.push(note(t(L, 'rule.tooLong', { fields: tooLong.join(', '), max: INPUT_MAX })));
  } else if (editable) {
    const severities = SEVERITIES.includes(values.severity) ? SEVERITIES : [...SEVERITIES, values.severity];
    elements.push({
      tag: 'form',
      name: 'rule_form',
      elements: [
        input('expr', t(L, 'rule.form.expr'), values.expr, 3),
        input('for', t(L, 'rule.form.for'), values.for),
        select('severity', t(L, 'rule.severity'), severities.map((s) => [s, s]), values.severity),
        input('labels', t(L, 'rule.form.labels'), values.labels, 3),
        input('annotations', t(L, 'rule.form.annotations'), values.annotations, 4),
        select('enabled', t(L, 'rule.form.state'), [[t(L, 'rule.form.enabled'), 'true'], [t(L, 'rule.form.disabled'), 'false']], values.enabled),
        {
          tag: 'button',
          text: text(t(L, 'rule.form.save')),
          type: 'primary',
          name: 'rule_save',
          form_action_type: 'submit',
          behaviors: [{ type: 'callback', value: { a: 'rule_save', r: rule.id } }],
        },
      ],
    });
  }
  const tags = [textTag(t(L, rule.enabled ? 'rule.tag.enabled' : 'rule.tag.disabled'), rule.enabled ? 'green' : 'neutral'), textTag(clip(rule.severity, 20), severityStyle(rule.severity).color)];
  const subtitle = [rule.poolName, rule.sendGroupName].filter(Boolean).join(' · ');
  return card(header(error ? 'red' : rule.enabled ? 'blue' : 'grey', t(L, 'rule.title', { id: rule.id, alertname: rule.alertname }), subtitle, tags), elements);
}

function placementPairs(L: Locale, p: RulePlacementLine): Array<[string, string]> {
  const engine = p.replicas > 1 ? t(L, 'rule.engineReplicas', { engine: escLine(p.engine), replicas: p.replicas }) : escLine(p.engine);
  const where = p.evaluators.length ? `${p.evaluators.map(escLine).join(', ')} (${engine})` : t(L, 'rule.nowhere');
  return [
    [t(L, 'rule.runsOn'), where],
    [t(L, 'rule.data'), `${p.complete ? '✅' : '⚠️'} ${escLine(sayText(L, p.source))}`],
  ];
}
