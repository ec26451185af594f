import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatDeps, InboundMessage } from '../../src/chat/types';
import { silentLogger } from '../../src/core/logger';
import { createFeishuDispatcher } from '../../src/feishu/dispatcher';
import { messageEvent } from '../../src/sandbox/callbacks';

/** An in-memory stand-in for the Redis commands the dispatcher uses, which can "go down". */
function flakyRedis() {
  const keys = new Set<string>();
  const r = {
    down: false,
    keys,
    set: async (k: string) => {
      if (r.down) throw new Error('Command timed out');
      if (keys.has(k)) return null;
      keys.add(k);
      return 'OK';
    },
    del: async (k: string) => {
      if (r.down) throw new Error('Command timed out');
      return keys.delete(k) ? 1 : 0;
    },
    exists: async (k: string) => {
      if (r.down) throw new Error('Command timed out');
      return keys.has(k) ? 1 : 0;
    },
  };
  return r;
}

test('a message whose queueing fails is taken when Feishu retries it, and only once after that', { timeout: 10_000 }, async () => {
  const redis = flakyRedis();
  const queued: string[] = [];
  let failNext = true;
  const dispatcher = createFeishuDispatcher(
    { verificationToken: 't' },
    {
      redis: redis as never,
      logger: silentLogger(),
      chat: {} as ChatDeps,
      enqueueMessage: async (msg: InboundMessage, eventId: string) => {
        if (failNext) {
          failNext = false;
          redis.down = true; // Redis goes away between the dedupe check and the queueing
          throw new Error('Command timed out');
        }
        queued.push(`${eventId}:${msg.text}`);
      },
    },
  );
  const event = messageEvent({ appId: 'cli', verificationToken: 't' }, { operator: { openId: 'ou_a' }, chatId: 'oc_p2p', chatType: 'p2p', messageId: 'om_1', text: '/help', now: new Date() }) as { header: { event_id: string } };
  const deliver = () => dispatcher.invoke(event, { needCheck: false });

  await assert.rejects(deliver(), /timed out/, 'the request fails (503): Feishu will retry');
  redis.down = false;
  await deliver(); // Feishu's retry
  assert.deepEqual(queued, [`${event.header.event_id}:/help`], 'the retry is taken, not refused as a copy');
  await deliver(); // a replay
  assert.equal(queued.length, 1, 'once taken, replays do nothing');
});
