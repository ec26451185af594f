import { ACTION_LIMITS, actionCreateSchema } from '../src/remedy/action-schema';
import { autoRuns, type TriggerRow } from '../src/remedy/plan';
import { renderRequest } from '../src/remedy/render-request';
import { EVAL_LIMITS } from '../src/rules/go-template-eval';
import { median, timeRuns, type Figure } from './stats';

/**
 * Issue 18, remediation actions: what runs on the event loop. Saving an action checks its
 * templates (adversarial inputs at the limits: the longest body of actions, the deepest
 * nesting, unclosed garbage); each run renders its request; every notification that fires
 * alerts plans their automatic runs. Goal for each: 50 ms, the bound every user input has.
 */
const fill = (unit: string, length: number): string => unit.repeat(Math.floor(length / unit.length));
const depth = EVAL_LIMITS.maxNesting;
const url = 'https://awx.example.com/api/v2/job_templates/12/launch/';

const SAVES: Record<string, string> = {
  'a 16 KiB body of pipelines': fill('{{ .Labels.instance | toUpper | json }}', ACTION_LIMITS.body),
  'a 16 KiB body of if/else': fill('{{ if eq .Labels.job "node" }}a{{ else if .Status }}b{{ else }}c{{ end }}', ACTION_LIMITS.body),
  '100 nested parentheses': `{{ ${'('.repeat(depth)}.Status${')'.repeat(depth)} }}`,
  '100 nested ifs': `${'{{ if .Status }}'.repeat(depth)}x${'{{ end }}'.repeat(depth)}`,
  'unclosed garbage (16 KiB)': fill('{{ (', ACTION_LIMITS.body),
  'a refused function at the end of 16 KiB': `${fill('{{ .Status }}', ACTION_LIMITS.body - 40)}{{ printf "%s" 1 }}`,
};

export async function remedyBench(): Promise<Figure[]> {
  const out: Figure[] = [];
  let worst = { name: '', ms: 0 };
  for (const [name, body] of Object.entries(SAVES)) {
    const ms = median(await timeRuns(() => actionCreateSchema.safeParse({ name: 'bench', url, body }), 15));
    if (ms >= worst.ms) worst = { name, ms };
  }
  out.push({ issue: 18, name: `action save: template check, worst input (${worst.name})`, value: worst.ms, unit: 'ms', goal: { op: '<=', value: 50 } });

  const labels = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`label_${i}`, fill('v', 1024)]));
  const data = { Labels: labels, Annotations: { summary: fill('s', 16_384) }, Status: 'firing' as const, StartsAt: new Date(0).toISOString(), Fingerprint: 'f', GeneratorURL: '', EventID: 1 };
  const action = { id: 1, name: 'bench', method: 'POST', url: `${url}?q={{ urlquery .Annotations.summary }}`, headers: { Authorization: 'Bearer x' }, secret: 'a-secret-of-sixteen+', body: fill('{{ json .Labels }}', 2000) };
  const render = median(await timeRuns(() => { try { renderRequest(action, data, { id: 1, attempt: 1, timestampSeconds: 1 }); } catch { /* past the output cap is an answer too */ } }, 15));
  out.push({ issue: 18, name: 'action run: render and sign a request over 64 labels of 1 KiB (output capped at 64 KiB)', value: render, unit: 'ms', goal: { op: '<=', value: 50 } });

  const events = Array.from({ length: 2000 }, (_, i) => ({ eventId: i, ruleId: i % 400, sendGroupId: i % 20, startsAt: new Date(0) }));
  const triggers: TriggerRow[] = Array.from({ length: 500 }, (_, i) => ({ actionId: i % 50, ruleId: i % 2 ? i % 400 : null, sendGroupId: i % 2 ? null : i % 20, mode: i % 3 ? 'auto' : 'button', afterMinutes: i % 7 }));
  const plan = median(await timeRuns(() => autoRuns(events, triggers), 15));
  out.push({ issue: 18, name: 'plan automatic runs: 2,000 fired alerts × 500 triggers', value: plan, unit: 'ms', goal: { op: '<=', value: 50 } });
  return out;
}
