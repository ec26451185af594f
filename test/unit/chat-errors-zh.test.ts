import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { handleMessage } from '../../src/chat/handle';
import { handleCardAction } from '../../src/chat/card-actions';
import { rosterCard } from '../../src/cards/roster-card';
import { AppError } from '../../src/core/errors';
import { parseInput } from '../../src/core/validate';
import { CATALOGUE } from '../../src/i18n/catalogue';
import { describeError, isKnownEntity, t, userError, type MessageKey } from '../../src/i18n';
import { toEpochDay } from '../../src/oncall/dates';
import { alertRuleUpdateSchema } from '../../src/rules/alert-rule-schema';
import { requireValidPromql, requireValidTemplates } from '../../src/rules/rule-fields';
import { parseStatsDays } from '../../src/stats/service';
import { assertGoldenJsonIn } from '../support/golden';
import { fakeDeps, RULE, said } from './chat-fakes';

/**
 * Issue #16: every refusal a person meets in chat or on a card reads in the bot's language.
 * An error thrown as `conflict('…English…')` compiles and passes every English test, and a
 * Chinese chat then shows it in English: nothing else fails. These tests are what fails.
 */

const HAN = /\p{Script=Han}/u;
/** Four or more English words in a row: a sentence left untranslated (a label name or `YYYY-MM-DD` is not one). */
const ENGLISH_SENTENCE = /\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z']{2,}){3,}\b/;

function assertChinese(text: string, what: string): void {
  assert.match(text, HAN, `${what}: no Chinese in ${JSON.stringify(text)}`);
  assert.doesNotMatch(text, ENGLISH_SENTENCE, `${what}: English in ${JSON.stringify(text)}`);
}

/** What the error card shows: message, field lines and hint. */
function cardText(e: unknown, usage?: string): string[] {
  const d = describeError('zh-CN', e, usage);
  return [d.title, d.message, ...(d.details ?? []), d.hint ?? ''];
}

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('did not throw');
};

// ---- the guard over the source ----

/** src/chat and every module it imports, type imports too: the wiring hands chat the real services. */
function reachableFromChat(): string[] {
  const seen = new Set<string>();
  const queue = readdirSync('src/chat', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join('src/chat', f));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const p = join(dirname(file), m[1]!);
      queue.push(existsSync(`${p}.ts`) ? `${p}.ts` : join(p, 'index.ts'));
    }
  }
  return [...seen].sort();
}

/** An English literal handed to an error helper: `conflict('…')`, `invalidField(path, '…')`, `new AppError(code, '…')`. */
const LITERAL = String.raw`\s*[\x60'"]`;
const ENGLISH_THROW = new RegExp(
  String.raw`\b(?:(?:invalid|forbidden|conflict|unavailable|upstreamFailed)\(${LITERAL}|invalidField\(\s*(?:\x60[^\x60]*\x60|'[^']*'|[\w.]+)\s*,${LITERAL}|new AppError\(\s*'[a-z_]+'\s*,${LITERAL})`,
  'g',
);

const ADMIN_API = 'admin API only: chat reads these services but never calls the methods that refuse in English';
/**
 * The English refusals left in modules chat reaches (it imports the services' types, so the
 * walk over-approximates what chat calls), per module, with why. A new one fails the guard:
 * say it with userError / fieldError / customIssue (src/i18n/errors.ts) instead. Converting
 * one lowers its count here.
 */
const KNOWN_ENGLISH: Record<string, [count: number, why: string]> = {
  'src/core/errors.ts': [2, 'the helpers themselves (invalidField, notFound)'],
  'src/i18n/errors.ts': [1, "invalidIssues: the API's English message, made from the catalogue"],
  'src/events/webhook.ts': [1, "Alertmanager's webhook payload: answered to Alertmanager, not a person"],
  'src/oncall/dates.ts': [2, 'invariants of the roster maths (year range, whole days) no typed input reaches'],
  'src/oncall/groups.ts': [2, ADMIN_API],
  'src/oncall/roster.ts': [1, 'a group setting (shiftDays): ' + ADMIN_API],
  'src/oncall/shifts.ts': [1, 'a group setting (handoffTime): ' + ADMIN_API],
  'src/oncall/zone.ts': [1, "a group's time zone: /notify checks zones itself (paging.unknownZone)"],
  'src/paging/notify-settings.ts': [1, 'the API message beside its say (paging.unknownZone)'],
  'src/querylog/service.ts': [1, 'the query-log upload: ' + ADMIN_API],
  'src/remedy/actions.ts': [2, ADMIN_API],
  'src/routing/send-groups.ts': [5, ADMIN_API],
  'src/instances/store.ts': [2, ADMIN_API],
  'src/scrape/jobs.ts': [5, ADMIN_API],
  'src/scrape/pools.ts': [7, ADMIN_API],
  'src/scrape/relabel.ts': [1, ADMIN_API],
  'src/scrape/render-prometheus.ts': [1, 'rendering invariant, not input'],
  'src/users/users.ts': [5, ADMIN_API],
  'src/rules/alert-rules.ts': [2, 'send group and tree node, which the chat rule form cannot change'],
  'src/rules/render-rules.ts': [1, 'rendering invariant, not input'],
  'src/rules/rule-service.ts': [2, "the bulk API's ids[] and a rule's pool, which the chat rule form cannot change"],
};

describe('errors people meet in chat, in zh-CN', () => {
  test('guard: no new English refusal in a module a chat command or card action reaches', () => {
    const found: Record<string, number> = {};
    const unnamed: string[] = [];
    for (const file of reachableFromChat()) {
      const text = readFileSync(file, 'utf8');
      const n = [...text.matchAll(ENGLISH_THROW)].length;
      if (n) found[file] = n;
      for (const m of text.matchAll(/\bnotFound\(\s*'([^']+)'/g)) if (!isKnownEntity(m[1]!)) unnamed.push(`${file}: notFound('${m[1]}')`);
    }
    const known = Object.fromEntries(Object.entries(KNOWN_ENGLISH).map(([f, [n]]) => [f, n]));
    assert.deepEqual(found, known, 'English error text in a module chat reaches: say it with userError / fieldError (src/i18n/errors.ts), or add it to KNOWN_ENGLISH with why no person meets it');
    assert.deepEqual(unnamed, [], "notFound() of an entity describeError cannot name in the bot's language: add it to ENTITIES in src/i18n/errors.ts");
  });

  test('every error message of the catalogue is translated, not copied', () => {
    const errorKeys = Object.keys(CATALOGUE).filter((k) => /^(swapErr|oncallErr|ruleErr|form\.err|stats\.err|silence\.err|suggest\.err|remedy\.err|group\.err|action\.(already|not))/.test(k));
    assert.ok(errorKeys.length > 50, `${errorKeys.length} error messages`);
    for (const key of errorKeys) {
      const entry = CATALOGUE[key as MessageKey] as { en: unknown; 'zh-CN': unknown };
      const zh = JSON.stringify(entry['zh-CN']);
      assert.notEqual(zh, JSON.stringify(entry.en), key);
      assertChinese(zh, key);
    }
  });

  test('the checks people reach throw errors that read in Chinese, field lines too', () => {
    const cases: Array<[string, unknown]> = [
      ['PromQL', thrown(() => requireValidPromql('expr', 'rate(x[5m]'))],
      ['templates', thrown(() => requireValidTemplates({ name: 'X', labels: { a: '{{ .Bad' }, annotations: { b: '{{ end }}' }, grafanaUrl: null }))],
      ['reserved label', thrown(() => parseInput(alertRuleUpdateSchema, { labels: { severity: 'x', __x: 'y' } }))],
      ['stats days', thrown(() => parseStatsDays('14'))],
      ['calendar day', thrown(() => toEpochDay('2026-02-30'))],
      ['roster month', thrown(() => rosterCard({ locale: 'zh-CN', groupName: 'infra', groupId: 1, month: '2026-13', days: [], today: '2026-05-10', timezone: 'UTC' }))],
    ];
    for (const [what, e] of cases) {
      assert.ok(e instanceof AppError, what);
      // A PromQL or template problem is the parser's own diagnostic, worded as Prometheus does.
      const lines = cardText(e).map((l) => l.replace(/(PromQL 表达式有误|不是有效的模板)：.*/, '$1'));
      for (const line of lines) assertChinese(line, what);
    }
    const templates = describeError('zh-CN', cases[1]![1]);
    assert.equal(templates.details?.length, 2, 'both bad templates are listed');
    assert.deepEqual(describeError('zh-CN', cases[2]![1]).details, ['labels.severity: “severity”是保留标签：promduty 按级别字段设置它，请改级别', 'labels.__x: 以 __ 开头的名字留给 Prometheus 使用']);
  });

  test('the API keeps its English: message and details as before', () => {
    const e = thrown(() => parseStatsDays('14')) as AppError;
    assert.equal(e.message, 'days: must be 7 or 30');
    assert.deepEqual(e.details, [{ path: 'days', message: 'must be 7 or 30' }]);
    const promql = thrown(() => requireValidPromql('expr', 'rate(x[5m]')) as AppError;
    assert.deepEqual(Object.keys((promql.details as object[])[0]!).sort(), ['message', 'path', 'position']);
    assert.equal(promql.message, `expr: ${(promql.details as { message: string }[])[0]!.message}`);
    const reserved = thrown(() => parseInput(alertRuleUpdateSchema, { labels: { severity: 'x' } })) as AppError;
    assert.deepEqual(reserved.details, [{ path: 'labels.severity', message: '"severity" is reserved: promduty sets it from the severity field' }]);
  });

  test('a refused rule form (invalid PromQL) comes back in Chinese (golden)', { timeout: 10_000 }, async () => {
    const { d } = fakeDeps({ locale: 'zh-CN' });
    // The rule service runs this check on save; the fake stands in for the rest of it.
    d.alertRules = { ...d.alertRules, update: async (_id, body) => (requireValidPromql('expr', (body as { expr: string }).expr), RULE) };
    const form = { expr: 'rate(x[5m]', for: '10m', severity: 'critical', labels: '', annotations: '', enabled: 'true' };
    const r = await handleCardAction({ operatorOpenId: 'ou_eve', messageId: 'om_1', action: { value: { a: 'rule_save', r: RULE.id }, form_value: form } }, d);
    assert.equal(r.toast.content, '未保存');
    assert.match(JSON.stringify(r.card), /PromQL 表达式有误：/);
    assertGoldenJsonIn('zh-CN', 'cards/error-rule-promql.json', r.card);

    const badForm = await handleCardAction(
      { operatorOpenId: 'ou_eve', messageId: 'om_1', action: { value: { a: 'rule_save', r: RULE.id }, form_value: { ...form, expr: ' ', for: 'soon', severity: 'a b', labels: 'nope' } } },
      d,
    );
    const shown = JSON.stringify(badForm.card);
    for (const line of ['expr: 不能为空', 'for: 须是时长，例如 30s、5m、1h30m', 'severity: 须是 1 到 32 个字母', 'labels: 第 1 行：应写成 key=value']) assert.ok(shown.includes(line), line);
  });

  test('a refused swap request reads in Chinese (golden), as a card and as a toast', { timeout: 10_000 }, async () => {
    const { d } = fakeDeps({ locale: 'zh-CN' });
    d.oncallSwapRequests = { ...d.oncallSwapRequests, create: () => Promise.reject(userError('forbidden', 'swapErr.ownShiftOnly')) };
    const r = await handleMessage(said('ou_eve', '/换班 infra 2026-05-12 转让'), d);
    assert.ok('card' in r);
    assertGoldenJsonIn('zh-CN', 'cards/error-swap-refused.json', r.card);
    for (const line of cardText(userError('forbidden', 'swapErr.ownShiftOnly'))) assertChinese(line, 'swap refused');

    d.oncallSwapRequests = { ...d.oncallSwapRequests, accept: () => Promise.reject(userError('forbidden', 'swapErr.addressedToOther')) };
    const click = await handleCardAction({ operatorOpenId: 'ou_eve', messageId: 'om_1', action: { value: { a: 'sr_accept', r: 1 } } }, d);
    assert.deepEqual(click.toast, { type: 'error', content: t('zh-CN', 'swapErr.addressedToOther') });
  });

  test('the swap form refuses in Chinese', { timeout: 10_000 }, async () => {
    const { d } = fakeDeps({ locale: 'zh-CN' });
    const r = await handleCardAction({ operatorOpenId: 'ou_eve', messageId: 'om_1', action: { value: { a: 'swap', g: 7 }, form_value: { date: '12/05/2026', user: 'Bob' } } }, d);
    const shown = JSON.stringify(r.card);
    assert.ok(shown.includes('date: 须是日期，格式 YYYY-MM-DD; user: 须是飞书用户（请用人员选择器选人）'), shown);
  });
});
