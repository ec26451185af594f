import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IsolatedFailure } from '../../src/core/group-commit';
import { failureKind, failureText, settle, type StoreOutcome } from '../../src/events/store-failures';

// Errors as mysql2 and knex hand them over (code, SQLSTATE, the server's message).
const driverError = (code: string, sqlState: string, sqlMessage: string) =>
  Object.assign(new Error(`INSERT INTO alert_events (…) VALUES (…) - ${sqlMessage}`), { code, sqlState, sqlMessage, errno: 1 });
const badTime = driverError('ER_TRUNCATED_WRONG_VALUE', '22007', "Incorrect datetime value: '10000-01-01 00:00:00.000' for column `starts_at` at row 1");
const badJson = driverError('ER_CONSTRAINT_FAILED', '23000', 'CONSTRAINT `alert_events.labels` failed');
const tooLong = driverError('ER_DATA_TOO_LONG', '22001', "Data too long for column 'fingerprint' at row 1");
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true });
const poolTimeout = Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' });
const lockWait = driverError('ER_LOCK_WAIT_TIMEOUT', 'HY000', 'Lock wait timeout exceeded; try restarting transaction');
const signalled = driverError('ER_SIGNAL_EXCEPTION', '45000', 'something odd');
const reset = Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', fatal: true });
const redisClosed = new Error('Connection is closed.');
const redisTimeout = new Error('Command timed out');

const ok: StoreOutcome<unknown> = { ok: true, result: {} };
const failed = (error: unknown, alone = false): StoreOutcome<unknown> => ({ ok: false, error, alone });

describe('store failures', () => {
  test('each error is judged by what trying again could change', { timeout: 10_000 }, () => {
    assert.deepEqual(
      [badTime, badJson, tooLong, new TypeError('x'), refused, poolTimeout, redisClosed, redisTimeout, lockWait, signalled, reset].map(failureKind),
      ['data', 'data', 'data', 'data', 'unavailable', 'unavailable', 'unavailable', 'unavailable', 'transient', 'other', 'other'],
    );
    assert.equal(failureKind(new IsolatedFailure(badTime)), 'data', 'looks through the group commit wrapper');
    assert.equal(failureText(badTime), "Incorrect datetime value: '10000-01-01 00:00:00.000' for column `starts_at` at row 1", 'the server message, not the statement');
    assert.equal(failureText(new Error('x'.repeat(5000))).length, 2000);
  });

  test('a data error is a dead letter at once; the others are stored, the job is done', { timeout: 10_000 }, () => {
    assert.deepEqual(settle([ok, failed(badTime), ok, failed(badJson)], false), { deadLetter: [1, 3], retry: null });
  });

  test('an unknown error is a dead letter only when the notification failed alone beside ones that were stored', { timeout: 10_000 }, () => {
    assert.deepEqual(settle([ok, failed(signalled, true)], false), { deadLetter: [1], retry: null });
    assert.deepEqual(settle([failed(signalled)], false), { deadLetter: [], retry: { error: signalled, unavailable: false } }, 'alone in its job: retried');
    assert.deepEqual(settle([failed(signalled)], true), { deadLetter: [0], retry: null }, 'the last attempt keeps it rather than dropping it');
  });

  test('transient errors are retried, and kept only when the attempts run out', { timeout: 10_000 }, () => {
    assert.deepEqual(settle([ok, failed(lockWait, true)], false), { deadLetter: [], retry: { error: lockWait, unavailable: false } });
    assert.deepEqual(settle([ok, failed(lockWait, true)], true), { deadLetter: [1], retry: null });
  });

  test('a database that cannot be reached never makes dead letters, not even on the last attempt: the job waits', { timeout: 10_000 }, () => {
    for (const final of [false, true]) {
      assert.deepEqual(settle([failed(refused), failed(poolTimeout)], final), { deadLetter: [], retry: { error: refused, unavailable: true } });
    }
    const mixed = settle([failed(refused), failed(signalled), failed(badTime)], false);
    assert.deepEqual(mixed, { deadLetter: [2], retry: { error: signalled, unavailable: false } }, 'an unknown failure uses up an attempt');
  });
});
