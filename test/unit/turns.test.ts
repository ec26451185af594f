import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTurn, OneAtATime } from '../../src/core/turns';

test('OneAtATime runs jobs one after another, in order, and a failed job does not stop the next', { timeout: 5_000 }, async () => {
  const gate = new OneAtATime();
  const log: string[] = [];
  let running = 0;
  const job = (name: string, fail = false) => async () => {
    running++;
    assert.equal(running, 1, `${name} started while another job ran`);
    log.push(`start ${name}`);
    await nextTurn();
    await nextTurn();
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const results = await Promise.allSettled([gate.run(job('a')), gate.run(job('b', true)), gate.run(job('c'))]);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['a', 'b failed', 'c'],
  );
});

test('nextTurn lets I/O callbacks and timers waiting now run first', { timeout: 5_000 }, async () => {
  const order: string[] = [];
  setImmediate(() => order.push('waiting'));
  await nextTurn();
  order.push('after');
  assert.deepEqual(order, ['waiting', 'after']);
});
