import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { actionCreateSchema, actionUpdateSchema, mergeSecrets, REDACTED } from '../../src/remedy/action-schema';
import { firstLines } from '../../src/remedy/http-call';
import { afterCall, autoRuns, BUSY_WAIT_MS, buttonActions, IN_FLIGHT_MS, lateAutoRuns, MAX_BACKOFF_MS, planRun, type RunCheck, type TriggerRow } from '../../src/remedy/plan';
import { renderRequest, RenderError, SIGN_HEADERS, type ActionCall } from '../../src/remedy/render-request';
import { signWebhook } from '../../src/core/webhook-sign';
import { issuePath } from '../../src/core/validate';

const T0 = new Date('2026-12-05T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const trig = (t: Partial<TriggerRow> & Pick<TriggerRow, 'actionId'>): TriggerRow => ({ ruleId: null, sendGroupId: null, mode: 'auto', afterMinutes: 0, ...t });

describe('autoRuns: which automatic runs a fired alert gets', () => {
  const events = [
    { eventId: 1, ruleId: 10, sendGroupId: 100, startsAt: T0 },
    { eventId: 2, ruleId: 11, sendGroupId: 100, startsAt: T0 },
    { eventId: 3, ruleId: null, sendGroupId: 200, startsAt: T0 },
  ];

  test('by rule or by send group; buttons are not runs; one per alert and action, the shorter wait winning', () => {
    const runs = autoRuns(events, [
      trig({ actionId: 7, ruleId: 10, afterMinutes: 5 }),
      trig({ actionId: 7, sendGroupId: 100, afterMinutes: 2 }),
      trig({ actionId: 8, ruleId: 11, mode: 'button' }),
      trig({ actionId: 9, sendGroupId: 200 }),
    ]);
    assert.deepEqual(
      runs.map((r) => [r.eventId, r.actionId, r.dueAt.getTime() - T0.getTime()]),
      [
        [1, 7, 120_000],
        [2, 7, 120_000],
        [3, 9, 0],
      ],
    );
  });

  test('due N minutes after the alert started firing (the minute is configurable for tests)', () => {
    const [r] = autoRuns([events[0]!], [trig({ actionId: 7, ruleId: 10, afterMinutes: 3 })], 1000);
    assert.equal(r!.dueAt.getTime(), T0.getTime() + 3000);
  });

  test('nothing attached, nothing planned', () => {
    assert.deepEqual(autoRuns(events, [trig({ actionId: 7, ruleId: 99 })]), []);
  });
});

describe('lateAutoRuns: what the sweep plans for alerts stored a while ago', () => {
  test('only by actions unchanged since the alert fired; due as when it fired', () => {
    const events = [
      { eventId: 1, ruleId: null, sendGroupId: 100, startsAt: T0, firstSeenAt: at(1000) },
      { eventId: 2, ruleId: null, sendGroupId: 100, startsAt: at(60_000), firstSeenAt: at(61_000) },
    ];
    const runs = lateAutoRuns(events, [
      { ...trig({ actionId: 7, sendGroupId: 100, afterMinutes: 1 }), actionChangedAt: at(1000) },
      // Attached (or edited) after alert 1 fired, before alert 2.
      { ...trig({ actionId: 8, sendGroupId: 100 }), actionChangedAt: at(30_000) },
    ]);
    assert.deepEqual(
      runs.map((r) => [r.eventId, r.actionId, r.dueAt.getTime() - T0.getTime()]),
      [
        [1, 7, 60_000],
        [2, 7, 120_000],
        [2, 8, 60_000],
      ],
    );
  });
});

describe('buttonActions: what a card offers', () => {
  test('enabled button actions of the rule or send group, by name, at most five', () => {
    const actions = ['b', 'a', 'off', 'c', 'd', 'e', 'f'].map((name, i) => ({ id: i + 1, name, enabled: name !== 'off' }));
    const triggers = actions.map((a) => trig({ actionId: a.id, mode: 'button', ...(a.id % 2 ? { ruleId: 10 } : { sendGroupId: 100 }) }));
    triggers.push(trig({ actionId: 99, ruleId: 10 }));
    assert.deepEqual(buttonActions({ ruleId: 10, sendGroupId: 100 }, triggers, actions).map((a) => a.name), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(buttonActions({ ruleId: 10, sendGroupId: null }, triggers, actions).map((a) => a.name), ['b', 'd', 'f']);
    assert.deepEqual(buttonActions({ ruleId: null, sendGroupId: null }, triggers, actions), []);
  });
});

describe('planRun: whether a run goes now', () => {
  const base: RunCheck = {
    now: T0,
    run: { trigger: 'auto', state: 'queued', dueAt: T0, updatedAt: at(-60_000) },
    action: { enabled: true, maxRunsPerHour: 3 },
    event: { status: 'firing' },
    othersRunning: 0,
    startedLastHour: 0,
  };
  const plan = (over: Partial<Omit<RunCheck, 'run'>> & { run?: Partial<RunCheck['run']> }) => planRun({ ...base, ...over, run: { ...base.run, ...over.run } });

  test('a due run of a firing alert runs', () => assert.deepEqual(plan({}), { do: 'run' }));

  test('at most once: a finished run is done whatever else holds (a job queued again, a retry after a crash)', () => {
    for (const state of ['succeeded', 'failed', 'skipped'] as const) assert.deepEqual(plan({ run: { state }, action: null, event: null }), { do: 'done' });
  });

  test('not due yet: waits exactly until due', () => assert.deepEqual(plan({ run: { dueAt: at(90_000) } }), { do: 'wait', afterMs: 90_000 }));

  test('"after N minutes still firing": an automatic run of an alert resolved by then is skipped; a button run is the person’s call', () => {
    assert.deepEqual(plan({ event: { status: 'resolved' } }), { do: 'skip', reason: 'resolved' });
    assert.deepEqual(plan({ event: { status: 'resolved' }, run: { trigger: 'button' } }), { do: 'run' });
  });

  test('an automatic run that called already and whose alert resolved makes no more attempts (it ends failed, not skipped)', () => {
    assert.deepEqual(plan({ event: { status: 'resolved' }, run: { state: 'retrying' } }), { do: 'stop' });
    assert.deepEqual(plan({ event: { status: 'resolved' }, run: { state: 'running', updatedAt: at(-IN_FLIGHT_MS) } }), { do: 'stop' });
    assert.deepEqual(plan({ event: { status: 'resolved' }, run: { state: 'retrying', trigger: 'button' } }), { do: 'run' });
  });

  test('a call under way is left to the execution making it (its job handed to another worker mid-call); a dead one is taken over', () => {
    const calling = { state: 'running' as const, updatedAt: at(-1000) };
    assert.deepEqual(plan({ run: calling }), { do: 'wait', afterMs: IN_FLIGHT_MS - 1000 });
    assert.deepEqual(plan({ run: calling, event: { status: 'resolved' } }), { do: 'wait', afterMs: IN_FLIGHT_MS - 1000 }, 'not skipped under it either');
    assert.deepEqual(plan({ run: calling, action: { enabled: false, maxRunsPerHour: 3 } }), { do: 'wait', afterMs: IN_FLIGHT_MS - 1000 });
    assert.deepEqual(plan({ run: { state: 'running', updatedAt: at(-IN_FLIGHT_MS) } }), { do: 'run' });
  });

  test('never two at once for one alert: waits while another run holds it', () => {
    assert.deepEqual(plan({ othersRunning: 1 }), { do: 'wait', afterMs: BUSY_WAIT_MS });
  });

  test('rate-limited per action: the n+1st start in an hour is skipped; a retry of a started run is not a new start', () => {
    assert.deepEqual(plan({ startedLastHour: 3 }), { do: 'skip', reason: 'rate_limited' });
    assert.deepEqual(plan({ startedLastHour: 2 }), { do: 'run' });
    assert.deepEqual(plan({ startedLastHour: 3, run: { state: 'retrying' } }), { do: 'run' });
  });

  test('a deleted or disabled action, or a deleted alert, is skipped with the reason', () => {
    assert.deepEqual(plan({ action: null }), { do: 'skip', reason: 'action_gone' });
    assert.deepEqual(plan({ action: { enabled: false, maxRunsPerHour: 3 } }), { do: 'skip', reason: 'action_disabled' });
    assert.deepEqual(plan({ event: null }), { do: 'skip', reason: 'event_gone' });
  });
});

describe('afterCall: retries with backoff, then a final failure (never a loop)', () => {
  test('success ends it; failures back off doubling, then fail after `retries` more attempts', () => {
    assert.deepEqual(afterCall(true, 1, 2, 1000), { state: 'succeeded' });
    assert.deepEqual(afterCall(false, 1, 2, 1000), { state: 'retrying', afterMs: 1000 });
    assert.deepEqual(afterCall(false, 2, 2, 1000), { state: 'retrying', afterMs: 2000 });
    assert.deepEqual(afterCall(false, 3, 2, 1000), { state: 'failed' });
    assert.deepEqual(afterCall(false, 1, 0, 1000), { state: 'failed' }, 'no retries: the first failure is final');
  });

  test('the wait is capped', () => assert.deepEqual(afterCall(false, 5, 5, 120_000), { state: 'retrying', afterMs: MAX_BACKOFF_MS }));

  test('attempts are bounded for every setting: a run ends within retries + 1 calls', () => {
    for (let retries = 0; retries <= 5; retries++) {
      let attempts = 0;
      let state: string;
      do state = afterCall(false, ++attempts, retries, 1).state;
      while (state === 'retrying');
      assert.equal(attempts, retries + 1);
    }
  });
});

describe('renderRequest: the call one attempt makes', () => {
  const action: ActionCall = {
    id: 3,
    name: 'restart-nginx',
    method: 'POST',
    url: 'https://awx.example.com/api/v2/job_templates/12/launch/?host={{ urlquery .Labels.instance }}',
    headers: { Authorization: 'Bearer tok' },
    body: '{"extra_vars": {"host": {{ json .Labels.instance }}}}',
    secret: 'a-signing-secret-of-16+',
  };
  const data = { Labels: { instance: 'web 1' }, Annotations: {}, Status: 'firing' as const, StartsAt: T0.toISOString(), Fingerprint: 'f', GeneratorURL: '', EventID: 42 };
  const run = { id: 77, attempt: 2, timestampSeconds: 1_796_500_000 };

  test('URL and body rendered over the alert; headers, idempotency key, attempt', () => {
    const r = renderRequest(action, data, run);
    assert.equal(r.url, 'https://awx.example.com/api/v2/job_templates/12/launch/?host=web+1');
    assert.deepEqual(JSON.parse(r.body!), { extra_vars: { host: 'web 1' } });
    assert.equal(r.headers.Authorization, 'Bearer tok');
    assert.equal(r.headers['Idempotency-Key'], 'promduty-run-77');
    assert.equal(r.headers['X-Promduty-Attempt'], '2');
    assert.equal(r.headers['Content-Type'], 'application/json');
  });

  test('signed as Feishu signs custom-bot calls, plus a signature over timestamp and body', () => {
    const r = renderRequest(action, data, run);
    assert.equal(r.headers[SIGN_HEADERS.timestamp], '1796500000');
    assert.equal(r.headers[SIGN_HEADERS.sign], signWebhook(action.secret!, run.timestampSeconds));
    // What a target computes from the request alone:
    const expected = createHmac('sha256', action.secret!).update(`${r.headers[SIGN_HEADERS.timestamp]}\n${r.body}`).digest('base64');
    assert.equal(r.headers[SIGN_HEADERS.bodySign], expected);
    const unsigned = renderRequest({ ...action, secret: null }, data, run);
    assert.equal(unsigned.headers[SIGN_HEADERS.sign], undefined);
  });

  test('GET sends no body; a URL that renders to another scheme or no URL is refused', () => {
    assert.equal(renderRequest({ ...action, method: 'GET' }, data, run).body, undefined);
    assert.throws(() => renderRequest({ ...action, url: '{{ .Labels.instance }}' }, { ...data, Labels: { instance: 'file:///etc/passwd' } }, run), /only http and https/);
    assert.throws(() => renderRequest({ ...action, url: '{{ .Labels.instance }}' }, data, run), RenderError);
  });
});

describe('action schema: refused at save time', () => {
  const ok = { name: 'restart-nginx', url: 'https://awx.example.com/x', body: '{"h": {{ json .Labels.instance }}}' };
  const issues = (schema: typeof actionCreateSchema | typeof actionUpdateSchema, v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`);
  };

  test('a valid action passes', () => assert.deepEqual(issues(actionCreateSchema, ok), []));

  test('a template error names the field, where and why', () => {
    const [msg] = issues(actionCreateSchema, { ...ok, body: '{"h": {{ .Labels.instance }' });
    assert.match(msg!, /^body: not a valid template: .*\(at line 1, column \d+\)$/);
    assert.match(issues(actionCreateSchema, { ...ok, url: 'https://x/{{ printf "a" }}' })[0]!, /^url: not a valid template: function "printf"/);
  });

  test('only http(s), with a literal scheme and host', () => {
    for (const url of ['file:///etc/passwd', 'gopher://x/', 'ftp://x/', '{{ .Labels.url }}', 'https://{{ .Labels.host }}/x', 'javascript:alert(1)']) {
      assert.match(issues(actionCreateSchema, { ...ok, url }).join(), /^url: must start with http:\/\/ or https:\/\//, url);
    }
  });

  test('headers promduty sets, header injection and the redaction placeholder are refused', () => {
    assert.match(issues(actionCreateSchema, { ...ok, headers: { Host: 'x' } }).join(), /headers\.Host: is set by promduty/);
    assert.match(issues(actionCreateSchema, { ...ok, headers: { 'X-Promduty-Sign': 'x' } }).join(), /is set by promduty/);
    assert.match(issues(actionCreateSchema, { ...ok, headers: { A: 'x\r\nEvil: 1' } }).join(), /line breaks/);
    assert.match(issues(actionCreateSchema, { ...ok, secret: REDACTED }).join(), /placeholder/);
    assert.deepEqual(issues(actionUpdateSchema, { secret: REDACTED, headers: { A: REDACTED } }), [], 'on update the placeholder means "keep"');
  });

  test('triggers: exactly one of rule and send group; buttons do not wait', () => {
    assert.match(issues(actionCreateSchema, { ...ok, triggers: [{ mode: 'auto' }] }).join(), /triggers\[0\]: name exactly one/);
    assert.match(issues(actionCreateSchema, { ...ok, triggers: [{ ruleId: 1, sendGroupId: 2, mode: 'auto' }] }).join(), /exactly one/);
    assert.match(issues(actionCreateSchema, { ...ok, triggers: [{ ruleId: 1, mode: 'button', afterMinutes: 5 }] }).join(), /triggers\[0\]\.afterMinutes/);
  });

  test('mergeSecrets: the placeholder keeps a stored value; a new value replaces it; a header left out is dropped', () => {
    const stored = { headers: { Authorization: 'Bearer old', 'X-Team': 'web' }, secret: 'old-secret-0123456789' };
    assert.deepEqual(mergeSecrets(stored, { headers: { Authorization: REDACTED, 'X-New': 'n' }, secret: REDACTED }), { headers: { Authorization: 'Bearer old', 'X-New': 'n' } });
    assert.deepEqual(mergeSecrets(stored, { secret: 'new-secret-0123456789' }), { secret: 'new-secret-0123456789' });
    assert.deepEqual(mergeSecrets(stored, { secret: null }), { secret: null });
  });
});

describe('firstLines', () => {
  test('the first five non-empty lines, each cut', () => {
    const text = ['', 'one', 'two', '', 'three', 'x'.repeat(300), 'five', 'six'].join('\r\n');
    const lines = firstLines(text).split('\n');
    assert.deepEqual(lines.slice(0, 3), ['one', 'two', 'three']);
    assert.equal(lines[3], `${'x'.repeat(200)}…`);
    assert.equal(lines.length, 5);
  });
});
