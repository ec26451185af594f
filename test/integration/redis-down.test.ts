import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_CREDENTIALS } from '../../src/config/feishu-sandbox';
import { messageEvent, signRequest } from '../../src/sandbox/callbacks';
import { newFingerprint, webhookBody, WEBHOOK_TOKEN } from '../support/alerts';
import { startTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/processes';
import { startRedisServer, type RedisServer } from '../support/redis-server';

/**
 * Redis down → a fast 503, not a hang: Alertmanager is told at once that nothing was taken
 * (so it keeps the alert and retries), and nothing is acknowledged that is not in Redis.
 * promduty runs against a private redis-server that this test kills (SIGKILL: connections
 * refused) and freezes (SIGSTOP: connections open, nothing answers), then brings back.
 *
 * The bound is an availability contract (REDIS_TIMEOUT_MS is 1.5 s by default; answers within
 * 2 s), asserted generously (2.5 s) so a busy machine does not fail it; speed is in bench/.
 */
const BOUND_MS = 2500;
/** Longer than any answer should take: a request that hangs fails the test with this, not the suite timeout. */
const HANG_MS = 10_000;

interface Timed {
  status: number;
  body: any;
  ms: number;
}

async function timed(url: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
}

describe('Redis down: 503 fast, then back to 200', { timeout: 240_000 }, () => {
  let redis: RedisServer;
  let t: TestApp;

  const post = (fingerprint: string) =>
    timed(`${t.url}/api/v1/alerts/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(webhookBody([{ fingerprint, name: 'RedisDownTest' }])),
    });
  const readyz = () => timed(`${t.url}/readyz`);
  const feishuMessage = () => {
    const payload = messageEvent(SANDBOX_CREDENTIALS, { operator: { openId: 'ou_nobody' }, chatId: 'oc_p2p', chatType: 'p2p', messageId: `om_${newFingerprint()}`, text: '/help', now: new Date() });
    const signed = signRequest(SANDBOX_CREDENTIALS, payload, new Date());
    return timed(`${t.url}/feishu/events`, { method: 'POST', headers: signed.headers, body: signed.body });
  };
  const stored = (fingerprint: string) => waitFor(`alert ${fingerprint} stored`, async () => (await t.app.db('alert_events').where({ fingerprint }).first()) ?? false, 30_000);
  const assertUnavailable = (r: Timed, what: string) => {
    assert.equal(r.status, 503, `${what}: ${JSON.stringify(r.body)}`);
    assert.ok(r.ms < BOUND_MS, `${what} answered in ${Math.round(r.ms)} ms`);
  };
  /** Redis is back once the webhook takes a notification again (the clients reconnect on their own). */
  const backTo200 = async (fingerprint: string) => {
    const r = await waitFor('the webhook to take notifications again', async () => {
      const a = await post(fingerprint);
      return a.status === 200 ? a : false;
    }, 30_000, 250);
    assert.equal(r.body.status, 'accepted');
    await stored(fingerprint);
  };

  before(async () => {
    redis = await startRedisServer(['--appendonly', 'yes']);
    t = await startTestApp({ env: { REDIS_URL: redis.url } });
    const first = newFingerprint();
    assert.equal((await post(first)).status, 200);
    await stored(first);
  });
  after(async () => {
    // Should a test fail with Redis killed or frozen, bring it back so the app stops cleanly.
    await redis?.restart();
    await t?.close();
    await redis?.stop();
  }, { timeout: 60_000 });

  test('killed (connections refused): the webhook, Feishu callbacks and /readyz answer 503 at once', async (tc) => {
    await redis.kill();
    const lost = newFingerprint();
    const r = await post(lost);
    assertUnavailable(r, 'webhook');
    assert.equal(r.body.error.code, 'unavailable');
    assert.match(r.body.error.message, /not queued; Alertmanager will send it again/);
    // A burst: every request answered, none held (no offline queue of bodies in memory).
    for (const a of await Promise.all(Array.from({ length: 50 }, () => post(newFingerprint())))) assertUnavailable(a, 'webhook in a burst');
    const feishu = await feishuMessage();
    assertUnavailable(feishu, 'Feishu callback');
    assert.equal(feishu.body.error.code, 'unavailable');
    const ready = await readyz();
    assertUnavailable(ready, '/readyz');
    assert.notEqual(ready.body.checks.redis, 'ok');
    tc.diagnostic(`killed: webhook ${Math.round(r.ms)} ms, Feishu ${Math.round(feishu.ms)} ms, /readyz ${Math.round(ready.ms)} ms`);

    await redis.restart();
    await backTo200(newFingerprint());
    assert.equal(await t.app.db('alert_events').where({ fingerprint: lost }).first(), undefined, 'the 503 was true: nothing of it was queued');
    // Alertmanager's retry of the notification that got a 503 is taken and processed.
    const retry = await post(lost);
    assert.equal(retry.status, 200);
    await stored(lost);
    assert.equal((await readyz()).status, 200);
    assert.equal((await feishuMessage()).status, 200);
  });

  test('frozen (SIGSTOP: connections stay open, nothing answers): 503 within the bound, not a hang', async (tc) => {
    redis.pause();
    try {
      const lost = newFingerprint();
      const [hook, ready, feishu] = await Promise.all([post(lost), readyz(), feishuMessage()]);
      assertUnavailable(hook, 'webhook');
      assert.equal(hook.body.error.code, 'unavailable');
      assertUnavailable(ready, '/readyz');
      assertUnavailable(feishu, 'Feishu callback');
      tc.diagnostic(`frozen: webhook ${Math.round(hook.ms)} ms, Feishu ${Math.round(feishu.ms)} ms, /readyz ${Math.round(ready.ms)} ms`);
      // Notifications arriving while a write hangs do not queue up behind it: each is answered by its deadline.
      for (const a of await Promise.all(Array.from({ length: 50 }, () => post(newFingerprint())))) assertUnavailable(a, 'webhook in a burst');
      redis.resume();
      await backTo200(newFingerprint());
      const retry = await post(lost);
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      await stored(lost);
    } finally {
      redis.resume();
    }
  });
});
