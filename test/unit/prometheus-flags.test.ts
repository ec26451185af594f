import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusFlagProblems } from '../../src/instances/prometheus-flags';

test('resend delay below the evaluation interval: nothing to say', { timeout: 5000 }, () => {
  assert.deepEqual(prometheusFlagProblems({ 'rules.alert.resend-delay': '2s' }, '5s'), []);
  assert.deepEqual(prometheusFlagProblems({ 'rules.alert.resend-delay': '500ms' }, '1s'), []);
  assert.deepEqual(prometheusFlagProblems({ 'rules.alert.resend-delay': '10s' }, '30s'), []);
});

test('resend delay at or above the interval, or left at the 1m default: one problem naming the flag, the value and the interval', { timeout: 5000 }, () => {
  for (const [flags, interval, value] of [
    [{ 'rules.alert.resend-delay': '1m' }, '30s', '1m'],
    [{ 'rules.alert.resend-delay': '5s' }, '5s', '5s'],
    [{}, '1m', '1m'],
  ] as const) {
    const problems = prometheusFlagProblems(flags, interval);
    assert.equal(problems.length, 1, JSON.stringify({ flags, interval }));
    assert.match(problems[0]!, new RegExp(`--rules\\.alert\\.resend-delay=${value} is not below the pool's evaluation interval \\(${interval}\\)`));
  }
});

test('a value it cannot read is not guessed at', { timeout: 5000 }, () => {
  assert.deepEqual(prometheusFlagProblems({ 'rules.alert.resend-delay': '1m0.5s' }, '30s'), []);
});
