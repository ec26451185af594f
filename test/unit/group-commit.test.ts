import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../src/core/group-commit';

/** A write that records each batch and finishes only when told to. */
function gatedWrite(fail?: (item: number) => boolean) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: number[]): Promise<string[]> => {
    batches.push(items);
    await new Promise<void>((r) => gates.push(r));
    if (fail && items.some(fail)) throw new Error(`bad batch ${items.join(',')}`);
    return items.map((i) => `r${i}`);
  };
  /** Lets every write in flight finish, and waits for what that sets off. */
  const release = async () => {
    for (const open of gates.splice(0)) open();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  };
  return { write, batches, release, inFlight: () => gates.length };
}

const turn = () => new Promise((r) => setImmediate(r));

test('a lone item is written on the next turn, alone; what arrives meanwhile goes out together after it', async () => {
  const w = gatedWrite();
  const gc = new GroupCommit<number, string>(w.write, { maxWeight: 100 });
  const first = gc.submit(1);
  await turn();
  assert.deepEqual(w.batches, [[1]]);
  const rest = [2, 3, 4].map((i) => gc.submit(i));
  await turn();
  assert.deepEqual(w.batches, [[1]], 'the others wait for the write in flight');
  await w.release();
  assert.equal(await first, 'r1');
  assert.deepEqual(w.batches, [[1], [2, 3, 4]]);
  await w.release();
  assert.deepEqual(await Promise.all(rest), ['r2', 'r3', 'r4'], 'each caller gets its own result');
});

test('maxWeight bounds a write; an item heavier than that still goes, alone', async () => {
  const w = gatedWrite();
  const gc = new GroupCommit<number, string>(w.write, { maxWeight: 10, weight: (n) => n });
  const all = [4, 5, 3, 30, 2].map((i) => gc.submit(i));
  await turn();
  for (let i = 0; i < 10 && w.inFlight(); i++) await w.release();
  assert.deepEqual(w.batches, [[4, 5], [3], [30], [2]]);
  assert.deepEqual(await Promise.all(all), ['r4', 'r5', 'r3', 'r30', 'r2']);
});

test('maxInFlight writes run at once', async () => {
  const w = gatedWrite();
  const gc = new GroupCommit<number, string>(w.write, { maxWeight: 2, maxInFlight: 2 });
  const all = [1, 2, 3, 4, 5].map((i) => gc.submit(i));
  await turn();
  assert.equal(w.inFlight(), 2);
  assert.deepEqual(w.batches, [[1, 2], [3, 4]]);
  await w.release();
  await w.release();
  assert.deepEqual(await Promise.all(all), ['r1', 'r2', 'r3', 'r4', 'r5']);
});

test('a failed write fails all its callers, or with isolateFailures its halves are written again down to the bad item', async () => {
  for (const isolate of [false, true]) {
    const w = gatedWrite((i) => i === 2);
    const gc = new GroupCommit<number, string>(w.write, { maxWeight: 100, isolateFailures: () => isolate });
    gc.submit(0).catch(() => {});
    await turn();
    const items = [1, 2, 3, 4].map((i) => gc.submit(i).then((r) => r, (e: Error) => `${e.name}: ${e.message}`));
    for (let i = 0; i < 20 && w.inFlight(); i++) await w.release();
    const got = await Promise.all(items);
    if (isolate) {
      assert.deepEqual(got, ['r1', 'IsolatedFailure: bad batch 2', 'r3', 'r4'], 'it failed alone while the others were written');
      assert.deepEqual(w.batches, [[0], [1, 2, 3, 4], [1, 2], [1], [2], [3, 4]], 'halves in order; a good half goes out whole');
    } else {
      assert.deepEqual(got, Array(4).fill('Error: bad batch 1,2,3,4'));
    }
  }
});

test('isolateFailures says which errors are worth splitting for; items failing alike are not isolated', async () => {
  const down = new GroupCommit<number, string>(async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); }, {
    maxWeight: 100,
    isolateFailures: (e) => (e as { code?: string }).code !== 'ECONNREFUSED',
  });
  const calls: number[][] = [];
  const allBad = new GroupCommit<number, string>(async (items) => { calls.push(items); throw new Error('bad'); }, { maxWeight: 100, isolateFailures: () => true });
  const names = async (gc: GroupCommit<number, string>) => (await Promise.allSettled([1, 2, 3].map((i) => gc.submit(i)))).map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'));
  assert.deepEqual(await names(down), ['Error', 'Error', 'Error'], 'one try for all: not split');
  assert.deepEqual(await names(allBad), ['Error', 'Error', 'Error'], 'every one failed alone, but none beside one that worked');
  assert.deepEqual(calls, [[1, 2, 3], [1, 2], [1], [2], [3]]);
});

test('deadline: a caller not answered in time is rejected; an item still waiting then is never written', { timeout: 10_000 }, async () => {
  const w = gatedWrite();
  const gc = new GroupCommit<number, string>(w.write, { maxWeight: 100, deadline: { ms: 50, expired: () => new Error('too slow') } });
  const first = gc.submit(1);
  await turn();
  const queued = [2, 3].map((i) => gc.submit(i));
  // The write of 1 hangs (a Redis that stopped answering): every caller hears back by the deadline.
  const started = Date.now();
  const settled = await Promise.allSettled([first, ...queued]);
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : s.value)), ['too slow', 'too slow', 'too slow']);
  await w.release();
  assert.deepEqual(w.batches, [[1]], '2 and 3 expired while waiting: dropped, not written');

  // Later items are unaffected, and answered normally within the deadline.
  const later = gc.submit(4);
  await turn();
  await w.release();
  assert.equal(await later, 'r4');
  assert.deepEqual(w.batches, [[1], [4]]);
});

test('quickFirst: after a quiet spell the oldest item goes alone, what came with it in the next write at once', async () => {
  const w = gatedWrite();
  const gc = new GroupCommit<number, string>(w.write, { maxWeight: 100, maxInFlight: 2, quickFirst: true });
  const all = [1, 2, 3, 4].map((i) => gc.submit(i));
  await turn();
  assert.deepEqual(w.batches, [[1], [2, 3, 4]]);
  const more = [5, 6].map((i) => gc.submit(i));
  await w.release();
  assert.deepEqual(await Promise.all(all), ['r1', 'r2', 'r3', 'r4']);
  assert.deepEqual(w.batches.slice(2), [[5], [6]], 'idle again: the next oldest goes alone too');
  await w.release();
  assert.deepEqual(await Promise.all(more), ['r5', 'r6']);

  const plain = gatedWrite();
  const gc2 = new GroupCommit<number, string>(plain.write, { maxWeight: 100, maxInFlight: 2 });
  const p = [1, 2, 3].map((i) => gc2.submit(i));
  await turn();
  assert.deepEqual(plain.batches, [[1, 2, 3]], 'without it, one write takes all');
  await plain.release();
  await Promise.all(p);
});
