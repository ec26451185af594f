import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escLine } from '../../src/cards/card';
import { handleMessage } from '../../src/chat/handle';
import type { Reply } from '../../src/chat/types';
import { fakeDeps, said } from './chat-fakes';

const title = (r: Reply): string => ('card' in r ? r.card.header.title.content : r.text);
const body = (r: Reply): string => JSON.stringify(r);

describe('/stats', () => {
  test('in a send group’s chat, that group; `all` or another chat, every group; 7 or 30 days', async () => {
    const { d, calls } = fakeDeps();
    assert.equal(title(await handleMessage(said('ou_vic', '/stats'), d)), 'Stats: infra-alerts, last 7 days');
    assert.equal(title(await handleMessage(said('ou_vic', '/stats all 30'), d)), 'Stats: all send groups, last 30 days');
    assert.equal(title(await handleMessage({ ...said('ou_vic', '/stats'), chatId: 'oc_elsewhere' }, d)), 'Stats: all send groups, last 7 days');
    await handleMessage(said('ou_vic', '/stats infra-alerts 30'), d);
    assert.deepEqual(calls.stats, [
      { sendGroupId: 4, days: 7 },
      { sendGroupId: null, days: 30 },
      { sendGroupId: null, days: 7 },
      { sendGroupId: 4, days: 30 },
    ]);
  });

  test('the card carries the charts', async () => {
    const { d } = fakeDeps();
    const r = await handleMessage(said('ou_vic', '/stats'), d);
    assert.ok('card' in r);
    assert.equal(r.card.body.elements.filter((e) => e.tag === 'chart').length, 1, 'no rules fired: only the daily chart');
  });

  test('an unknown group or another number of days is refused with the usage', async () => {
    const { d, calls } = fakeDeps();
    const unknown = body(await handleMessage(said('ou_vic', '/stats nope'), d));
    assert.match(unknown, /there is no send group \\"nope\\"; there are: infra-alerts/);
    const days = body(await handleMessage(said('ou_vic', '/stats 14'), d));
    assert.match(days, /must be 7 or 30/);
    assert.match(days, /Type it like this: \/stats/);
    assert.deepEqual(calls.stats, []);
  });

  test('/help lists it for viewers', async () => {
    const { d } = fakeDeps();
    assert.ok(body(await handleMessage(said('ou_vic', '/help'), d)).includes(JSON.stringify(escLine('/stats [send group|all] [7|30]')).slice(1, -1)));
  });
});
