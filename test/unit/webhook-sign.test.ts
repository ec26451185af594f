import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { signWebhook } from '../../src/core/webhook-sign';

// Computed outside Node with Python's hmac module and cross-checked with
// `printf '' | openssl dgst -sha256 -hmac "$(printf '1599360473\ndemo')" -binary | base64`.
test('signWebhook matches independently computed signatures', () => {
  assert.equal(signWebhook('demo', 1599360473), 'l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=');
  assert.equal(signWebhook('s3cr3t-密钥', 1700000000), 'MRowuiAVRHamlH+dgwL1v7jSFEYiT+xgTN+SZjeBO3Q=');
});

test('signWebhook agrees with WebCrypto HMAC over empty data keyed by "timestamp\\nsecret"', async () => {
  for (const [secret, ts] of [['a', 0], ['long secret with spaces', 1760000000], ['x\ny', 42]] as const) {
    const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(`${ts}\n${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const expected = Buffer.from(await webcrypto.subtle.sign('HMAC', key, new Uint8Array(0))).toString('base64');
    assert.equal(signWebhook(secret, ts), expected, `${secret}@${ts}`);
  }
});

test('signWebhook depends on both the secret and the timestamp', () => {
  assert.notEqual(signWebhook('demo', 1599360473), signWebhook('demo', 1599360474));
  assert.notEqual(signWebhook('demo', 1599360473), signWebhook('demo2', 1599360473));
});

test('signWebhook refuses milliseconds and fractions instead of signing garbage', () => {
  assert.throws(() => signWebhook('demo', Date.now()), RangeError);
  assert.throws(() => signWebhook('demo', 1599360473.5), RangeError);
  assert.throws(() => signWebhook('demo', -1), RangeError);
});
