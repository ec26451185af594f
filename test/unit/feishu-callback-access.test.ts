import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { callbacksLoopbackOnly, SANDBOX_CREDENTIALS } from '../../src/config/feishu-sandbox';
import { loadSettings, settingsWarnings } from '../../src/config/settings';
import { isLoopbackPeer, loopbackOnly } from '../../src/http/middleware/loopback';

const PUBLIC = { encryptKey: SANDBOX_CREDENTIALS.encryptKey, verificationToken: SANDBOX_CREDENTIALS.verificationToken };

describe('who may send Feishu callbacks', { timeout: 10_000 }, () => {
  test('loopback peers: 127/8, ::1 and their IPv4-mapped forms; nothing else', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackPeer(a), true, a);
    for (const a of ['192.0.2.2', '10.0.0.1', '0.0.0.0', '::', '::2', '::ffff:192.0.2.2', 'fe80::1', '1127.0.0.1', '', '::10']) assert.equal(isLoopbackPeer(a), false, a);
  });

  test('the guard reads the socket address, not X-Forwarded-For', async () => {
    const guard = loopbackOnly('loopback only');
    const ctx = (remoteAddress: string) => ({ req: { socket: { remoteAddress } }, headers: { 'x-forwarded-for': '127.0.0.1' } }) as unknown as Context;
    let passed = 0;
    await guard(ctx('127.0.0.1'), async () => void passed++);
    assert.equal(passed, 1);
    await assert.rejects(guard(ctx('192.0.2.2'), async () => void passed++), (e: any) => e.code === 'forbidden' && e.status === 403 && /loopback only/.test(e.message));
    await assert.rejects(guard(ctx(undefined as unknown as string), async () => void passed++), /loopback only/, 'no address (socket gone) is not loopback');
    assert.equal(passed, 1);
  });

  test('the decision: loopback only while the verifying secret is a public sandbox key, unless FEISHU_SANDBOX=on', () => {
    assert.equal(callbacksLoopbackOnly(PUBLIC, 'auto'), true, 'the sandbox with its own keys');
    assert.equal(callbacksLoopbackOnly(PUBLIC, 'off'), true, 'the public key typed in by hand');
    assert.equal(callbacksLoopbackOnly(PUBLIC, 'on'), false, 'FEISHU_SANDBOX=on opens them on purpose');
    assert.equal(callbacksLoopbackOnly({ ...PUBLIC, encryptKey: 'a-private-key' }, 'auto'), false, 'a private encrypt key verifies: the public token does not matter then');
    assert.equal(callbacksLoopbackOnly({ verificationToken: PUBLIC.verificationToken }, 'auto'), true, 'token mode with the public token');
    assert.equal(callbacksLoopbackOnly({ verificationToken: 'private-token' }, 'off'), false);
    assert.equal(callbacksLoopbackOnly({}, 'off'), false, 'nothing configured: every callback is refused anyway (401)');
  });

  test('settings: the default (no app, sandbox) is loopback only; an app, an own key or FEISHU_SANDBOX=on is not', () => {
    const s = (env: Record<string, string>) => loadSettings(env).feishu.callbacksLoopbackOnly;
    assert.equal(s({}), true);
    assert.equal(s({ FEISHU_VERIFICATION_TOKEN: 'own-token' }), true, 'the encrypt key is still the public one');
    assert.equal(s({ FEISHU_ENCRYPT_KEY: 'own-key' }), false);
    assert.equal(s({ FEISHU_SANDBOX: 'on' }), false);
    assert.equal(s({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 'y', FEISHU_ENCRYPT_KEY: 'k' }), false);
    assert.equal(s({ FEISHU_SANDBOX: 'off' }), false, 'no sandbox, no keys');
  });

  test('FEISHU_SANDBOX=on is announced at start as a warning, naming what it opens', () => {
    const warnings = (env: Record<string, string>) => settingsWarnings(loadSettings(env)).join('\n');
    assert.match(warnings({ FEISHU_SANDBOX: 'on' }), /FEISHU_SANDBOX=on: \/sandbox and the Feishu callback routes answer clients on every address, and the sandbox keys are public/);
    assert.match(warnings({ FEISHU_SANDBOX: 'on', FEISHU_ENCRYPT_KEY: 'own' }), /FEISHU_SANDBOX=on: \/sandbox answers clients on every address/);
    assert.doesNotMatch(warnings({}), /FEISHU_SANDBOX=on/);
  });
});
