import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptBody, messageEvent, signRequest, type AppKeys } from '../../src/sandbox/callbacks';
import { MAX_SKEW_MS, verifyFeishuRequest, type FeishuHttpRequest } from '../../src/feishu/verify';

const NOW = new Date('2026-05-01T08:00:00Z');
const TOKEN = 'verification-token-1';
const KEY = 'encrypt-key-1';
const event = (keys: AppKeys) =>
  messageEvent(keys, { operator: { openId: 'ou_alice' }, chatId: 'oc_room', chatType: 'p2p', messageId: 'om_1', text: '/help', now: NOW });

/** A request as Koa hands it over: headers, raw text and parsed body. */
function request(keys: AppKeys, payload: object = event(keys), at = NOW): FeishuHttpRequest {
  const signed = signRequest(keys, payload, at);
  return { headers: signed.headers, rawBody: signed.body, body: JSON.parse(signed.body) };
}

describe('verifyFeishuRequest', () => {
  test('token mode: the payload token must match; an encrypted body cannot be read', () => {
    const keys = { appId: 'cli_1', verificationToken: TOKEN };
    const ok = verifyFeishuRequest(request(keys), { verificationToken: TOKEN }, NOW.getTime());
    assert.equal(ok.ok, true);
    assert.equal((ok as any).payload.header.event_type, 'im.message.receive_v1');
    const wrong = verifyFeishuRequest(request({ ...keys, verificationToken: 'other' }), { verificationToken: TOKEN }, NOW.getTime());
    assert.deepEqual(wrong, { ok: false, reason: 'wrong or missing verification token' });
    const noToken = verifyFeishuRequest(request({ appId: 'cli_1' }), { verificationToken: TOKEN }, NOW.getTime());
    assert.equal(noToken.ok, false);
    const encrypted = verifyFeishuRequest(request({ ...keys, encryptKey: KEY }), { verificationToken: TOKEN }, NOW.getTime());
    assert.equal(encrypted.ok, false);
  });

  test('v1 payloads and challenges carry the token at the top level', () => {
    const challenge = { challenge: 'abc', token: TOKEN, type: 'url_verification' };
    const raw = JSON.stringify(challenge);
    assert.equal(verifyFeishuRequest({ headers: {}, rawBody: raw, body: challenge }, { verificationToken: TOKEN }, NOW.getTime()).ok, true);
    const forged = { ...challenge, token: 'nope' };
    assert.equal(verifyFeishuRequest({ headers: {}, rawBody: JSON.stringify(forged), body: forged }, { verificationToken: TOKEN }, NOW.getTime()).ok, false);
  });

  test('encrypt-key mode: a fresh valid signature is required, then the body is decrypted', () => {
    const keys = { appId: 'cli_1', encryptKey: KEY, verificationToken: TOKEN };
    const secrets = { encryptKey: KEY, verificationToken: TOKEN };
    const ok = verifyFeishuRequest(request(keys), secrets, NOW.getTime());
    assert.equal(ok.ok, true);
    assert.equal((ok as any).payload.event.message.message_id, 'om_1');

    const tampered = request(keys);
    const sig = String(tampered.headers['x-lark-signature']);
    // Another last byte (the signature covers a random nonce: it may end in 00 itself).
    tampered.headers['x-lark-signature'] = `${sig.slice(0, -2)}${sig.endsWith('00') ? 'ff' : '00'}`;
    assert.deepEqual(verifyFeishuRequest(tampered, secrets, NOW.getTime()), { ok: false, reason: 'bad signature' });

    const otherBody = request(keys);
    otherBody.rawBody = otherBody.rawBody!.replace('}', ' }');
    assert.equal(verifyFeishuRequest(otherBody, secrets, NOW.getTime()).ok, false, 'the signature covers the exact bytes');

    const old = request(keys, event(keys), new Date(NOW.getTime() - MAX_SKEW_MS - 1000));
    assert.equal(verifyFeishuRequest(old, secrets, NOW.getTime()).ok, false, 'a stale timestamp is refused');

    const unsigned = request(keys);
    delete unsigned.headers['x-lark-signature'];
    assert.deepEqual(verifyFeishuRequest(unsigned, secrets, NOW.getTime()), { ok: false, reason: 'missing x-lark-signature' });

    const wrongKey = request({ ...keys, encryptKey: 'another-key' });
    assert.equal(verifyFeishuRequest(wrongKey, secrets, NOW.getTime()).ok, false);
  });

  test('the url_verification challenge comes unsigned: it must decrypt and carry the token', () => {
    const body = (token: string, key = KEY) => ({ encrypt: encryptBody(key, JSON.stringify({ challenge: 'c1', token, type: 'url_verification' })) });
    const req = (b: object): FeishuHttpRequest => ({ headers: {}, rawBody: JSON.stringify(b), body: b });
    const ok = verifyFeishuRequest(req(body(TOKEN)), { encryptKey: KEY, verificationToken: TOKEN }, NOW.getTime());
    assert.deepEqual(ok, { ok: true, payload: { challenge: 'c1', token: TOKEN, type: 'url_verification' } });
    assert.equal(verifyFeishuRequest(req(body('wrong')), { encryptKey: KEY, verificationToken: TOKEN }, NOW.getTime()).ok, false);
    assert.equal(verifyFeishuRequest(req(body(TOKEN)), { encryptKey: KEY }, NOW.getTime()).ok, true, 'decrypting proves the key');
    assert.equal(verifyFeishuRequest(req(body(TOKEN, 'not-the-key')), { encryptKey: KEY }, NOW.getTime()).ok, false);
    // An unsigned event that is not a challenge is refused even when it decrypts.
    const unsignedEvent = { encrypt: encryptBody(KEY, JSON.stringify(event({ appId: 'cli_1', verificationToken: TOKEN }))) };
    assert.equal(verifyFeishuRequest(req(unsignedEvent), { encryptKey: KEY, verificationToken: TOKEN }, NOW.getTime()).ok, false);
  });

  test('with an encrypt key, a plain (unencrypted) challenge is not answered: only decrypting proves the key', () => {
    const plain = { challenge: 'c1', token: TOKEN, type: 'url_verification' };
    const req: FeishuHttpRequest = { headers: {}, rawBody: JSON.stringify(plain), body: plain };
    assert.equal(verifyFeishuRequest(req, { encryptKey: KEY, verificationToken: TOKEN }, NOW.getTime()).ok, false, 'even with the right token');
    assert.equal(verifyFeishuRequest(req, { encryptKey: KEY }, NOW.getTime()).ok, false, 'and without a token configured');
    const noToken = { challenge: 'c1', type: 'url_verification' };
    assert.equal(verifyFeishuRequest({ headers: {}, rawBody: JSON.stringify(noToken), body: noToken }, { encryptKey: KEY }, NOW.getTime()).ok, false);
  });

  test('with neither secret configured every request is refused', () => {
    const r = verifyFeishuRequest(request({ appId: 'cli_1', verificationToken: TOKEN }), {}, NOW.getTime());
    assert.equal(r.ok, false);
    assert.match((r as any).reason, /neither/);
  });
});
