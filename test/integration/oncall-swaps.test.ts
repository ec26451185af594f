import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { FeishuServer, type SandboxMessage } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from '../support/app';
import { FeishuCaller } from '../support/feishu-callbacks';
import { replyUuid } from '../../src/queue/processors/chat-command';

const APP = { appId: 'cli_swaps', appSecret: 'swaps-secret' };
const KEYS = { encryptKey: 'swaps-encrypt-key', verificationToken: 'swaps-verification' };
const ROOM = 'oc_sre_room';
const at = (name: string, openId: string) => `<at user_id="${openId}">${name}</at>`;

/**
 * Swap requests end to end: commands and clicks as signed Feishu callbacks, the notice jobs
 * on real workers, the roster read back through the API. Daily shifts in Asia/Shanghai from
 * 2026-06-01 at 10:00: ann, bob, cat, ann, bob, cat, …; "now" is 2026-06-01 12:00 there.
 */
describe('swap requests: consent, offers, expiry, force and the ownership rules', () => {
  let feishu: FeishuServer;
  let t: TestApp;
  let caller: FeishuCaller;
  const clock = new ManualClock('2026-06-01T04:00:00Z');
  const u = {} as Record<'ann' | 'bob' | 'cat' | 'ada' | 'vic', number>;
  let groupId: number;

  const holder = async (day: string) => {
    const r = await t.api('GET', `/api/v1/oncall-groups/${groupId}/roster?from=${day}&to=${day}`);
    return [r.body.days[0].userId, r.body.days[0].reason];
  };
  const request = async (id: number) => (await t.api('GET', `/api/v1/oncall-swap-requests/${id}`)).body;
  const latestRequest = async () => (await t.app.db('oncall_swap_requests').orderBy('id', 'desc').first()).id as number;
  /** Says `text` in the group chat as `who`; the bot's reply to it. */
  const say = async (who: string, text: string): Promise<SandboxMessage> => {
    const r = await caller.say(`ou_${who}`, text, { chatId: ROOM, chatType: 'group' });
    assert.equal(r.status, 200);
    return byUuid(replyUuid(r.messageId));
  };
  const byUuid = (uuid: string): Promise<SandboxMessage> =>
    feishu.waitFor((ms) => ms.some((m) => m.uuid === uuid)).then(() => feishu.messages().find((m) => m.uuid === uuid)!);
  const click = (who: string, m: SandboxMessage, value: object) =>
    caller.click(`ou_${who}`, m.message_id, m.chat_id ?? m.receive_id, { tag: 'button', value });

  before(async () => {
    feishu = await FeishuServer.start(APP);
    t = await startTestApp({
      clock,
      env: {
        FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret,
        FEISHU_ENCRYPT_KEY: KEYS.encryptKey, FEISHU_VERIFICATION_TOKEN: KEYS.verificationToken,
      },
    });
    caller = new FeishuCaller(t.url, { appId: APP.appId, ...KEYS }, () => clock.now());
    for (const [name, role] of [['ann', 'editor'], ['bob', 'editor'], ['cat', 'editor'], ['ada', 'admin'], ['vic', 'viewer']] as const) {
      u[name] = (await t.api('POST', '/api/v1/users', { name, role, feishuOpenId: `ou_${name}` })).body.id;
    }
    const g = await t.api('POST', '/api/v1/oncall-groups', {
      name: 'sre', members: [u.ann, u.bob, u.cat], startDate: '2026-06-01', handoffTime: '10:00', timezone: 'Asia/Shanghai', feishuChatId: ROOM,
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    groupId = g.body.id;
  });
  after(async () => {
    await t?.close();
    await feishu?.close();
  });

  test('accepted: nothing changes until the person asked accepts; nobody else may; both sides and the chat are told', { timeout: 60_000 }, async () => {
    assert.deepEqual(await holder('2026-06-04'), [u.ann, 'rotation']);
    const asked = await say('ann', `/swap sre 2026-06-04 ${at('bob', 'ou_bob')}`);
    assert.match(JSON.stringify(asked.content), /Shift swap request: sre/);
    assert.match(JSON.stringify(asked.content), /"a":"sr_cancel"/, 'the requester sees Cancel');
    const id = await latestRequest();
    assert.equal((await request(id)).state, 'pending');
    assert.deepEqual(await holder('2026-06-04'), [u.ann, 'rotation'], 'a request alone changes nothing');

    const card = await byUuid(`swr-${id}-ask-u${u.bob}`);
    assert.equal(card.receive_id, 'ou_bob', 'bob gets a private card');
    assert.match(JSON.stringify(card.content), /"a":"sr_accept".*"a":"sr_decline"/);
    const inChat = await byUuid(`swr-${id}-ask-chat`);
    assert.match(JSON.stringify(inChat.content), /<at id=ou_bob><\/at>/, 'bob is @-mentioned in the group chat');

    const stranger = await click('cat', inChat, { a: 'sr_accept', r: id });
    assert.equal(stranger.body.toast.type, 'error');
    assert.match(stranger.body.toast.content, /only they can accept/);
    assert.deepEqual(await holder('2026-06-04'), [u.ann, 'rotation']);

    const yes = await click('bob', card, { a: 'sr_accept', r: id });
    assert.deepEqual(yes.body.toast, { type: 'success', content: 'Accepted: the shift is yours' });
    assert.match(JSON.stringify(yes.body.card.data), /Shift swap accepted/);
    const [dayHolder, reason] = await holder('2026-06-04');
    assert.deepEqual([dayHolder, reason], [u.bob, 'swap']);
    const r = await request(id);
    assert.deepEqual([r.state, r.decidedBy], ['accepted', u.bob]);
    const swap = await t.app.db('oncall_swaps').where({ request_id: id }).first();
    assert.deepEqual([swap.from_user_id, swap.to_user_id, swap.requested_by], [u.ann, u.bob, u.ann]);

    const toAnn = await byUuid(`swr-${id}-accepted-u${u.ann}`);
    assert.equal(toAnn.receive_id, 'ou_ann');
    await byUuid(`swr-${id}-accepted-chat`);
    assert.equal(feishu.messages().some((m) => m.uuid === `swr-${id}-accepted-u${u.bob}`), false, 'bob clicked: his card shows it');
    await feishu.waitFor(() => /Shift swap accepted/.test(JSON.stringify(feishu.messages().find((m) => m.message_id === inChat.message_id)?.content)));

    const again = await click('bob', card, { a: 'sr_accept', r: id });
    assert.match(again.body.toast.content, /already accepted/);
  });

  test('declined: the roster stays; the requester is told', { timeout: 60_000 }, async () => {
    assert.match(JSON.stringify((await say('ann', `/swap sre 2026-06-07 ${at('cat', 'ou_cat')}`)).content), /Shift swap request: sre/);
    const id = await latestRequest();
    const card = await byUuid(`swr-${id}-ask-u${u.cat}`);
    const no = await click('cat', card, { a: 'sr_decline', r: id });
    assert.deepEqual(no.body.toast, { type: 'success', content: 'Declined' });
    assert.deepEqual(await holder('2026-06-07'), [u.ann, 'rotation']);
    assert.equal((await request(id)).state, 'declined');
    assert.match(JSON.stringify((await byUuid(`swr-${id}-declined-u${u.ann}`)).content), /declined; the roster is unchanged/);
  });

  test('expired at the shift start: a late accept is refused, the sweep marks it once, everyone is told', { timeout: 60_000 }, async () => {
    const made = await t.api('POST', `/api/v1/oncall-groups/${groupId}/swap-requests`, { firstDay: '2026-06-02', toUserId: u.ann, requestedBy: u.bob });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.expiresAt, '2026-06-02T02:00:00.000Z', "the shift's start, 10:00 in Shanghai");
    const card = await byUuid(`swr-${made.body.id}-ask-u${u.ann}`);
    clock.set(new Date('2026-06-02T02:00:30Z'));
    try {
      const late = await click('ann', card, { a: 'sr_accept', r: made.body.id });
      assert.match(late.body.toast.content, /expired when its shift began/);
      assert.deepEqual(await t.app.services.oncallSwapRequests.expireDue(), [], 'already expired by the refused accept');
      assert.equal((await request(made.body.id)).state, 'expired');
      assert.deepEqual(await holder('2026-06-02'), [u.bob, 'rotation']);
      await byUuid(`swr-${made.body.id}-expired-u${u.bob}`);
      await byUuid(`swr-${made.body.id}-expired-u${u.ann}`);

      const other = await t.api('POST', `/api/v1/oncall-groups/${groupId}/swap-requests`, { firstDay: '2026-06-03', toUserId: u.ann, requestedBy: u.cat });
      clock.set(new Date('2026-06-03T02:00:00Z'));
      const [first, second] = await Promise.all([t.app.services.oncallSwapRequests.expireDue(), t.app.services.oncallSwapRequests.expireDue()]);
      assert.deepEqual([...first, ...second].map((r) => r.id), [other.body.id], 'expired exactly once');
    } finally {
      clock.set(new Date('2026-06-01T04:00:00Z'));
    }
  });

  test('forced by an admin: applied at once and recorded as forced; an editor may not force', { timeout: 60_000 }, async () => {
    assert.match(JSON.stringify((await say('bob', `/swap sre 2026-06-06 ${at('ann', 'ou_ann')} force`)).content), /Only an admin may force/);
    assert.match(JSON.stringify((await say('ada', `/swap sre 2026-06-06 ${at('ann', 'ou_ann')} force`)).content), /Shift swap forced by an admin/);
    const id = await latestRequest();
    const r = await request(id);
    assert.deepEqual([r.state, r.decidedBy, r.requestedBy, r.fromUserId, r.toUserId], ['forced', u.ada, u.ada, u.cat, u.ann]);
    assert.deepEqual(await holder('2026-06-06'), [u.ann, 'swap']);
    await byUuid(`swr-${id}-forced-u${u.cat}`);
    await byUuid(`swr-${id}-forced-u${u.ann}`);
    const audit = await t.app.db('audit_log').where({ entity: 'oncall_swap_request', entity_id: String(id) });
    assert.deepEqual(audit.map((a: any) => [a.action, a.actor_user_id]), [['create', u.ada]]);
  });

  test("refused for a non-owner: nobody gives away someone else's shift; a free one may be taken", { timeout: 60_000 }, async () => {
    const before = await t.app.db('oncall_swap_requests').count({ n: '*' }).first();
    const refused = await say('cat', `/swap sre 2026-06-08 ${at('ann', 'ou_ann')}`); // bob's day
    assert.match(JSON.stringify(refused.content), /only give away your own shift/);
    assert.deepEqual(await t.app.db('oncall_swap_requests').count({ n: '*' }).first(), before, 'no request made');
    assert.deepEqual(await holder('2026-06-08'), [u.bob, 'rotation']);
    // A viewer cannot make requests at all.
    assert.match(JSON.stringify((await say('vic', `/swap sre 2026-06-08 ${at('ann', 'ou_ann')}`)).content), /needs the editor role/);

    // Before the rotation starts nobody holds a day: taking it needs nobody's consent.
    const later = await t.api('POST', '/api/v1/oncall-groups', { name: 'later', members: [u.ann, u.cat], startDate: '2026-07-01', timezone: 'Asia/Shanghai' });
    const take = await t.app.services.oncallSwapRequests.create(later.body.id, { firstDay: '2026-06-20', toUserId: u.cat }, { userId: u.cat, admin: false, actor: { kind: 'user', name: 'cat', userId: u.cat } });
    assert.deepEqual([take.state, take.fromUserId], ['accepted', null]);
    const give = t.app.services.oncallSwapRequests.create(later.body.id, { firstDay: '2026-06-21', toUserId: u.ann }, { userId: u.cat, admin: false, actor: { kind: 'user', name: 'cat', userId: u.cat } });
    await assert.rejects(give, /only an admin may hand it to someone else/);
  });

  test('offers: the first taker wins, also when two accept at the same moment', { timeout: 60_000 }, async () => {
    // ann's days 06-10, 06-13, 06-16 offered to the group; bob and cat both try to take each at once.
    for (const day of ['2026-06-10', '2026-06-13', '2026-06-16']) {
      assert.match(JSON.stringify((await say('ann', `/swap sre ${day} offer`)).content), /offers this shift/);
    }
    const offers = await t.app.db('oncall_swap_requests').whereNull('to_user_id').where('state', 'pending').orderBy('id');
    assert.equal(offers.length, 3);
    const chatCard = await byUuid(`swr-${offers[0].id}-ask-chat`);
    assert.match(JSON.stringify(chatCard.content), /Take this shift/);
    const self = await click('ann', chatCard, { a: 'sr_accept', r: offers[0].id });
    assert.match(self.body.toast.content, /other than the person giving the shift away/);

    const service = t.app.services.oncallSwapRequests;
    const as = (name: 'bob' | 'cat') => ({ userId: u[name], admin: false, actor: { kind: 'user' as const, name, userId: u[name] } });
    for (const offer of offers) {
      const results = await Promise.allSettled([service.accept(offer.id, as('bob')), service.accept(offer.id, as('cat'))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1, `one taker for request ${offer.id}`);
      assert.match(String((lost[0] as PromiseRejectedResult).reason), /already accepted|decided meanwhile/);
      const taker = (won[0] as PromiseFulfilledResult<{ decidedBy: number }>).value.decidedBy;
      const day = offer.first_day.toISOString().slice(0, 10);
      assert.deepEqual(await holder(day), [taker, 'swap']);
      assert.equal(await t.app.db('oncall_swaps').where({ request_id: offer.id }).count({ n: '*' }).first().then((r: any) => r.n), 1);
    }
  });
});
