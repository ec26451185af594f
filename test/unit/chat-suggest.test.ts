import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCardAction } from '../../src/chat/card-actions';
import { handleMessage } from '../../src/chat/handle';
import type { Reply } from '../../src/chat/types';
import { fakeDeps, said } from './chat-fakes';

const title = (r: Reply): string => ('card' in r ? r.card.header.title.content : r.text);
const body = (r: unknown): string => JSON.stringify(r);
const onePool = { list: async () => [{ id: 3, name: 'main', instances: [] }] as any, get: async (id: number) => ({ id, name: 'main', instances: [] }) as any, findByName: async (n: string) => (n === 'main' ? ({ id: 3, name: 'main', instances: [] } as any) : null) };
const click = (openId: string, value: unknown) => ({ operatorOpenId: openId, action: { value }, messageId: 'om_suggest' });

describe('/rules suggest', () => {
  test('with one pool it needs no name; the card offers the record rule to editors only', async () => {
    const { d } = fakeDeps({ pools: onePool });
    const editor = await handleMessage(said('ou_eve', '/rules suggest'), d);
    assert.equal(title(editor), 'Query acceleration: main');
    assert.match(body(editor), /"a":"rule_suggest","p":3,"q":"0123456789abcdef","k":0/);
    const viewer = await handleMessage(said('ou_vic', '/rules suggest main'), d);
    assert.doesNotMatch(body(viewer), /rule_suggest/);
  });

  test('several pools: the pool must be named; an unknown one is refused with the usage', async () => {
    const { d } = fakeDeps({ pools: { ...onePool, list: async () => [{ id: 3, name: 'main' }, { id: 4, name: 'edge' }] as any } });
    assert.match(body(await handleMessage(said('ou_eve', '/rules suggest'), d)), /name the pool: main, edge/);
    assert.match(body(await handleMessage(said('ou_eve', '/rules suggest nope'), d)), /there is no scrape pool \\"nope\\".*Type it like this: \/rules/);
  });

  test('/rules with a filter still lists alert rules', async () => {
    const { d } = fakeDeps();
    assert.match(title(await handleMessage(said('ou_vic', '/rules cpu'), d)), /Alert rules matching "cpu"/);
  });

  test('one click creates the record rule and answers with how to query it; viewers are refused', async () => {
    const { d, calls } = fakeDeps({ pools: onePool });
    const a = await handleCardAction(click('ou_eve', { a: 'rule_suggest', p: 3, q: '0123456789abcdef', k: 0 }), d);
    assert.deepEqual(calls.accepted, [{ poolId: 3, hash: '0123456789abcdef', index: 0, by: 'eve' }]);
    assert.deepEqual(a.toast, { type: 'success', content: 'Record rule job:http_requests:rate5m created; publishing' });
    assert.match(body(a.card), /Created record rule #31 job:http&#95;requests:rate5m; publishing/);
    assert.match(body(a.card), /Recorded already by record rule #31/);
    const refused = await handleCardAction(click('ou_vic', { a: 'rule_suggest', p: 3, q: '0123456789abcdef', k: 0 }), d);
    assert.equal(refused.toast.type, 'error');
    assert.match(refused.toast.content, /needs the editor role/);
    assert.equal(calls.accepted.length, 1);
  });
});
