import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actionResultCard, type ActionResultView } from '../../src/cards/action-result-card';
import { actionsListCard } from '../../src/cards/actions-list-card';
import { parseCardAction } from '../../src/cards/actions';
import { alertCard } from '../../src/cards/alert-card';
import { handleCardAction } from '../../src/chat/card-actions';
import { listItem } from '../../src/chat/commands/actions';
import { handleMessage } from '../../src/chat/handle';
import type { Reply } from '../../src/chat/types';
import { assertGoldenJson } from '../support/golden';
import { ACTION, fakeDeps, said } from './chat-fakes';
import { actionsOf, alertInput, assertSendable, callbacks, markdownOf } from './cards-fixtures';

const RESULT: ActionResultView = {
  action: 'restart-nginx',
  eventId: 42,
  alertname: 'NginxDown',
  trigger: 'auto',
  requestedBy: null,
  state: 'succeeded',
  attempts: 1,
  httpStatus: 201,
  durationMs: 840,
  answer: '{"job": 913, "status": "pending"}\nqueued on awx-1',
  error: null,
};

const RESULTS: Record<string, ActionResultView> = {
  succeeded: RESULT,
  failed: { ...RESULT, trigger: 'button', requestedBy: 'Eve *admin*', state: 'failed', attempts: 3, httpStatus: 503, answer: 'upstream <at id=all></at> busy', error: 'HTTP 503' },
  'timed-out': { ...RESULT, state: 'failed', attempts: 3, httpStatus: null, answer: null, error: 'no answer within 10000 ms' },
  stopped: { ...RESULT, state: 'failed', attempts: 1, httpStatus: 500, answer: 'locked', error: 'HTTP 500', stopped: true },
  skipped: { ...RESULT, state: 'skipped', attempts: 0, httpStatus: null, durationMs: null, answer: null, error: "the action's hourly limit of runs is reached", skipped: 'rate_limited' },
};

describe('action cards', () => {
  for (const [name, view] of Object.entries(RESULTS)) {
    test(`result card, ${name}: golden, sendable`, () => {
      const c = actionResultCard(view, 'en');
      assertSendable(c);
      assertGoldenJson(`cards/action-result-${name}.json`, c);
      assertGoldenJson(`cards/zh-CN/action-result-${name}.json`, actionResultCard(view, 'zh-CN'));
    });
  }

  test('what people type in an answer is shown, never acted on (mentions and markdown escaped)', () => {
    const text = markdownOf(actionResultCard(RESULTS.failed!, 'en')).join('\n');
    assert.ok(!text.includes('<at id=all>'), text);
    assert.ok(!text.includes('*admin*'), text);
  });

  test('the /actions list: golden, and empty', () => {
    const items = [listItem(ACTION), listItem({ ...ACTION, name: 'off', enabled: false, triggers: [], description: null, url: 'http://10.0.0.5:8080/{{ .Labels.job }}' })];
    const c = actionsListCard(items, 'en');
    assertSendable(c);
    assertGoldenJson('cards/actions-list.json', c);
    assertGoldenJson('cards/zh-CN/actions-list.json', actionsListCard(items, 'zh-CN'));
    const text = markdownOf(c).join('\n');
    assert.ok(!text.includes('Bearer') && !text.includes('[redacted]') && !text.includes('json .Labels'), 'no secrets, no templates');
    assert.match(text, /POST http:\/\/10\.0\.0\.5:8080\n/);
    assertGoldenJson('cards/actions-list-empty.json', actionsListCard([], 'en'));
    assertGoldenJson('cards/zh-CN/actions-list-empty.json', actionsListCard([], 'zh-CN'));
  });

  test('an alert card with action buttons: each confirms first and calls back {a: remedy, e, x}', () => {
    const c = alertCard(alertInput({}, { actions: [{ id: 3, name: 'restart-nginx' }, { id: 5, name: 'drain-node' }] }));
    assertSendable(c);
    assertGoldenJson('cards/alert-with-actions.json', c);
    assertGoldenJson('cards/zh-CN/alert-with-actions.json', alertCard({ ...alertInput({}, { actions: [{ id: 3, name: 'restart-nginx' }, { id: 5, name: 'drain-node' }] }), locale: 'zh-CN' }));
    const remedy = callbacks(c).filter((cb) => (cb.value as { a: string }).a === 'remedy');
    assert.deepEqual(remedy.map((cb) => parseCardAction({ value: cb.value })), [{ a: 'remedy', e: 42, x: 3 }, { a: 'remedy', e: 42, x: 5 }]);
    const buttons = JSON.stringify(c);
    assert.match(buttons, /"Run: restart-nginx"/);
    assert.match(buttons, /"confirm":\{"title":\{"tag":"plain_text","content":"Run restart-nginx\?"\}/);
    assert.deepEqual(actionsOf(alertCard(alertInput({}, { withButtons: false, actions: [{ id: 3, name: 'x' }] }))), [], 'a webhook bot card cannot call back');
    assert.deepEqual(actionsOf(c).slice(0, -2), actionsOf(alertCard(alertInput())), 'the card without actions is unchanged');
  });
});

const title = (r: Reply): string => ('card' in r ? r.card.header.title.content : r.text);
const body = (r: Reply): string => JSON.stringify(r);
const click = (openId: string, value: unknown) => ({ operatorOpenId: openId, action: { value }, messageId: 'om_event' });

describe('/actions and the Run button', () => {
  test('/actions lists them for anyone registered', async () => {
    const { d } = fakeDeps();
    const r = await handleMessage(said('ou_vic', '/actions'), d);
    assert.equal(title(r), 'Remediation actions');
    assert.match(body(r), /restart-nginx/);
  });

  test('/actions run: editors only; the alert id with or without #', async () => {
    const { d, calls } = fakeDeps();
    assert.match(body(await handleMessage(said('ou_vic', '/actions run restart-nginx 42'), d)), /\/actions run needs the editor role; you are viewer/);
    assert.deepEqual(calls.runs, []);
    assert.equal(title(await handleMessage(said('ou_eve', '/actions run restart-nginx #42'), d)), 'Action started');
    assert.deepEqual(calls.runs, [{ actionId: 3, eventId: 42, by: 'eve', trigger: 'command' }]);
  });

  test('/actions run: an unknown action, a bad alert id or extra words are refused with the usage', async () => {
    const { d, calls } = fakeDeps();
    assert.match(body(await handleMessage(said('ou_eve', '/actions run nope 42'), d)), /there is no action \\"nope\\"; \/actions lists them/);
    assert.match(body(await handleMessage(said('ou_eve', '/actions run restart-nginx web-1'), d)), /is not an alert id/);
    assert.match(body(await handleMessage(said('ou_eve', '/actions go'), d)), /Type it like this: \/actions/);
    assert.deepEqual(calls.runs, []);
  });

  test('the button: a viewer is refused and nothing runs; an editor’s click asks for one run', async () => {
    const { d, calls } = fakeDeps();
    const refused = await handleCardAction(click('ou_vic', { a: 'remedy', e: 42, x: 3 }), d);
    assert.equal(refused.toast.type, 'error');
    assert.match(refused.toast.content, /editor role/);
    assert.deepEqual(calls.runs, []);
    const ran = await handleCardAction(click('ou_eve', { a: 'remedy', e: 42, x: 3 }), d);
    assert.deepEqual(ran.toast, { type: 'success', content: "Running restart-nginx; the result follows in the alert's thread" });
    const zh = await handleCardAction(click('ou_eve', { a: 'remedy', e: 42, x: 3 }), { ...d, locale: 'zh-CN' });
    assert.equal(zh.toast.content, '正在运行 restart-nginx，结果会回复在该告警的话题里');
    calls.runs.pop();
    assert.deepEqual(calls.runs, [{ actionId: 3, eventId: 42, by: 'eve', trigger: 'button' }]);
    const gone = await handleCardAction(click('ou_eve', { a: 'remedy', e: 404, x: 3 }), d);
    assert.deepEqual(gone.toast, { type: 'error', content: 'There is no alert "404".' });
  });
});

describe('/动作 (Chinese)', () => {
  test('the alias and its word run the same command, answered in Chinese', async () => {
    const { d, calls } = fakeDeps();
    const r = await handleMessage(said('ou_eve', '/动作 运行 restart-nginx 42'), { ...d, locale: 'zh-CN' });
    assert.equal(title(r), '动作已开始');
    assert.deepEqual(calls.runs, [{ actionId: 3, eventId: 42, by: 'eve', trigger: 'command' }]);
    assert.equal(title(await handleMessage(said('ou_vic', '/动作'), { ...d, locale: 'zh-CN' })), '自愈动作');
  });
});
