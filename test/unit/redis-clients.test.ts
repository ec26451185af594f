import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError as AnyReplyError } from 'ioredis';
import { failFastRedisOptions, isRedisUnavailable, redisAddress } from '../../src/core/redis-clients';

// ioredis re-exports the ReplyError class Redis' error replies come as (typed `any` there).
const ReplyError = AnyReplyError as new (message: string) => Error;

test('Redis errors that mean "not there right now" (→ 503) vs errors in the command itself (→ 500)', { timeout: 10_000 }, () => {
  const unavailable = [
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    new Error('Command timed out'),
    new Error('Connection is closed.'),
    new Error("Socket timeout. Expecting data, but didn't receive any in 3000ms."),
    Object.assign(new Error('Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' }),
    new Error('connect ECONNREFUSED 127.0.0.1:6379'),
    new ReplyError("OOM command not allowed when used memory > 'maxmemory'."),
    new ReplyError('LOADING Redis is loading the dataset in memory'),
  ];
  for (const e of unavailable) assert.equal(isRedisUnavailable(e), true, e.message);
  const others = [new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), new ReplyError("ERR unknown command 'FOO'"), new TypeError('x is undefined'), 'Command timed out', null];
  for (const e of others) assert.equal(isRedisUnavailable(e), false, String(e instanceof Error ? e.message : e));
});

test('the request-side clients fail fast; the address logged has no password', { timeout: 10_000 }, () => {
  assert.deepEqual(failFastRedisOptions(1500), { enableOfflineQueue: false, commandTimeout: 1500, socketTimeout: 3000 });
  assert.equal(redisAddress('redis://:s3cret@redis.example:6380/2'), 'redis.example:6380');
  assert.equal(redisAddress('rediss://redis.example'), 'redis.example:6379');
});
