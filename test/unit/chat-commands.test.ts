import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escLine } from '../../src/cards/card';
import { handleMessage } from '../../src/chat/handle';
import { parseCommand, parseIds } from '../../src/chat/parse';
import { COMMANDS } from '../../src/chat/registry';
import type { Reply } from '../../src/chat/types';
import { fakeDeps, said } from './chat-fakes';

const title = (r: Reply): string => ('card' in r ? r.card.header.title.content : r.text);
const body = (r: Reply): string => JSON.stringify(r);

describe('parsing', () => {
  test('leading mentions address the bot; later ones are arguments; the slash is optional', () => {
    const m = [{ key: '@_user_2', openId: 'ou_eve', name: 'eve' }];
    assert.deepEqual(parseCommand('@_user_1  /Swap infra 2026-05-11 @_user_2', m), {
      command: 'swap',
      args: ['infra', '2026-05-11', '@_user_2'],
      mentions: new Map([['@_user_2', m[0]]]),
    });
    assert.equal(parseCommand('help', [])?.command, 'help');
    assert.equal(parseCommand('@_user_1', []), null);
    assert.equal(parseCommand('   ', []), null);
    assert.equal(parseCommand('42 is the answer', []), null);
  });

  test('ids: several, comma-separated or with #; anything else is refused', () => {
    assert.deepEqual(parseIds(['42', '#43,44', '42']), [42, 43, 44]);
    assert.equal(parseIds(['42', 'x']), null);
    assert.equal(parseIds([]), null);
    assert.equal(parseIds(['0']), null);
  });
});

describe('commands through handleMessage', () => {
  test('an unknown sender is told politely and nothing runs', async () => {
    const { d, calls } = fakeDeps();
    const r = await handleMessage(said('ou_stranger', '/claim 42'), d);
    assert.match(title(r), /not registered/);
    assert.deepEqual(calls.claims, []);
  });

  test('/help lists what the role may run, built from the registry', async () => {
    const { d } = fakeDeps();
    const viewer = body(await handleMessage(said('ou_vic', '/help'), d));
    const editor = body(await handleMessage(said('ou_eve', '/help'), d));
    const listed = (json: string, usage: string) => json.includes(JSON.stringify(escLine(usage)).slice(1, -1));
    assert.ok(listed(viewer, '/oncall [group]'));
    assert.ok(!listed(viewer, '/claim <event id…>'));
    for (const c of COMMANDS) assert.ok(listed(editor, c.usage), c.usage);
  });

  test('/whoami names the user and role', async () => {
    const { d } = fakeDeps();
    const r = await handleMessage(said('ou_eve', '/whoami'), d);
    assert.equal(title(r), 'You are eve');
    assert.match(body(r), /editor/);
  });

  test('an unknown command and text without one get a hint', async () => {
    const { d } = fakeDeps();
    assert.match(body(await handleMessage(said('ou_eve', '/frobnicate'), d)), /no command \/frobnicate/);
    assert.match(body(await handleMessage(said('ou_eve', 'hello there'), d)), /\/help/);
  });

  test('a viewer may read but not act', async () => {
    const { d, calls } = fakeDeps();
    const r = await handleMessage(said('ou_vic', '/claim 42'), d);
    assert.match(body(r), /forbidden/);
    assert.match(body(r), /needs the editor role/);
    const rule = await handleMessage(said('ou_vic', '/rule disable 12'), d);
    assert.match(body(rule), /needs the editor role/);
    assert.deepEqual(calls.claims, []);
    assert.deepEqual(calls.enabled, []);
    const card = await handleMessage(said('ou_vic', '/rule 12'), d);
    assert.match(title(card), /Rule #12: HighCPU/);
    // Where the rule runs and that its data is complete (issue 14).
    assert.match(body(card), /Runs on.*vmalert-1:8880, vmalert-2:8880 \(vmalert, 2 replicas\)/);
    assert.match(body(card), /✅ complete: vmalert queries the central store http:\/\/vm:8428/);
  });

  test('wrong arguments answer with the usage', async () => {
    const { d, calls } = fakeDeps();
    for (const text of ['/claim', '/claim abc', '/silence 42', '/silence 42 soon', '/silence 42 90d', '/unsilence x', '/roster a b c', '/swap infra 2026-05-11', '/rule', '/config']) {
      const r = await handleMessage(said('ou_eve', text), d);
      assert.match(body(r), /validation_failed/, text);
      assert.match(body(r), /Usage: \//, text);
    }
    assert.deepEqual([calls.claims, calls.silences, calls.unsilences], [[], [], []]);
  });

  test('/claim with several ids acts on each and reports each; one failure does not stop the rest', async () => {
    const { d, calls } = fakeDeps();
    const r = await handleMessage(said('ou_eve', '/claim 42 99,43'), d);
    assert.deepEqual(calls.claims, [42, 43]);
    assert.equal(title(r), 'Claimed: 2 of 3');
    assert.match(body(r), /already claimed by ada/);
    const one = await handleMessage(said('ou_eve', '/claim 99'), d);
    assert.match(body(one), /conflict/);
  });

  test('/silence by id or by alertname, with any duration up to 30 days', async () => {
    const { d, calls } = fakeDeps();
    await handleMessage(said('ou_eve', '/silence 42 43 1h30m'), d);
    assert.deepEqual(calls.silences, [
      { id: 42, ms: 5_400_000, scope: 'event' },
      { id: 43, ms: 5_400_000, scope: 'event' },
    ]);
    const r = await handleMessage(said('ou_eve', '/silence alertname=HighCPU 4h'), d);
    assert.deepEqual(calls.byName, [{ name: 'HighCPU', ms: 14_400_000 }]);
    assert.match(body(r), /Silenced every HighCPU/);
    await handleMessage(said('ou_eve', '/unsilence 42,43'), d);
    assert.deepEqual(calls.unsilences, [42, 43]);
  });

  test('/oncall and /roster read the on-call services', async () => {
    const { d } = fakeDeps();
    assert.equal(title(await handleMessage(said('ou_vic', '/oncall infra'), d)), 'On call: infra');
    assert.match(body(await handleMessage(said('ou_vic', '/oncall nope'), d)), /not_found/);
    const roster = await handleMessage(said('ou_vic', '/roster 2026-06'), d);
    assert.equal(title(roster), 'Roster: infra');
    assert.match(body(roster), /June 2026/);
    assert.match(body(await handleMessage(said('ou_vic', '/roster infra 2026-6'), d)), /YYYY-MM/);
  });

  test('/swap with a mention asks that person; offer, me, ranges, force; with only the group the picker card', async () => {
    const { d, calls } = fakeDeps();
    const mention = [{ key: '@_user_2', openId: 'ou_ada', name: 'ada' }];
    const r = await handleMessage(said('ou_eve', '/swap infra 2026-05-12 @_user_2', mention), d);
    assert.match(body(r), /Shift swap request: infra/);
    assert.match(body(r), /asks <at id=ou_ada><\/at> to take this shift/);
    await handleMessage(said('ou_eve', '/swap infra 2026-05-12..2026-05-14 offer'), d);
    await handleMessage(said('ou_eve', '/swap infra 2026-05-20 me'), d);
    await handleMessage(said('ou_ada', '/swap infra 2026-05-21 @_user_2 force', mention), d);
    assert.deepEqual(calls.swaps, [
      { groupId: 7, input: { firstDay: '2026-05-12', lastDay: '2026-05-12', toUserId: 1 } },
      { groupId: 7, input: { firstDay: '2026-05-12', lastDay: '2026-05-14', toUserId: null } },
      { groupId: 7, input: { firstDay: '2026-05-20', lastDay: '2026-05-20', toUserId: 2 } },
      { groupId: 7, input: { firstDay: '2026-05-21', lastDay: '2026-05-21', toUserId: 1, force: true } },
    ]);
    for (const bad of ['/swap infra 2026-05-12', '/swap infra 12/05 me', '/swap infra 2026-05-12 @_user_9', '/swap accept', '/swap accept x'])
      assert.match(body(await handleMessage(said('ou_eve', bad, mention), d)), /validation_failed/, bad);
    assert.match(body(await handleMessage(said('ou_eve', '/swap force 12'), d)), /Only an admin may force/);
    await handleMessage(said('ou_eve', '/swap accept 12'), d);
    await handleMessage(said('ou_eve', '/swap cancel #13'), d);
    assert.deepEqual(calls.decisions, [['accept', 12, 2], ['cancel', 13, 2]]);
    const card = await handleMessage(said('ou_eve', '/swap infra'), d);
    assert.match(body(card), /"tag":"date_picker"/);
    assert.match(body(card), /"value":\{"a":"swap","g":7\}/);
    assert.match(body(card), /"value":\{"a":"swap","g":7,"o":1\}/);
  });

  test('/oncall next, /oncall me, and /oncall calendar (privately, from a group)', async () => {
    const { d } = fakeDeps();
    assert.equal(title(await handleMessage(said('ou_vic', '/oncall next infra'), d)), 'Next shifts: infra');
    assert.equal(title(await handleMessage(said('ou_vic', '/oncall me'), d)), 'Your next shifts');
    const inGroup = await handleMessage(said('ou_vic', '/oncall calendar'), d);
    assert.ok('text' in inGroup && /private chat/.test(inGroup.text), 'the group only hears that a message was sent');
    assert.match(JSON.stringify(inGroup.privately), /calendar\/users\/3\/tok\.ics/);
    const direct = await handleMessage({ ...said('ou_vic', '/oncall calendar rotate'), chatType: 'p2p' }, d);
    assert.match(body(direct), /calendar\/users\/3\/new\.ics/);
    assert.match(body(direct), /New link made/);
    assert.match(body(await handleMessage(said('ou_eve', '/oncall calendar infra rotate'), d)), /Only an admin/);
    assert.match(JSON.stringify((await handleMessage(said('ou_ada', '/oncall calendar infra rotate'), d)).privately), /groups\/7\/new/);
  });

  test('/rules, /rule enable and /rule <id>', async () => {
    const { d, calls } = fakeDeps();
    assert.match(body(await handleMessage(said('ou_vic', '/rules cpu'), d)), /#12 HighCPU/);
    assert.match(body(await handleMessage(said('ou_vic', '/rules none'), d)), /No alert rules match/);
    await handleMessage(said('ou_eve', '/rule enable 12 13'), d);
    assert.deepEqual(calls.enabled, [{ ids: [12, 13], enabled: true }]);
    const editable = body(await handleMessage(said('ou_eve', '/rule 12'), d));
    const readOnly = body(await handleMessage(said('ou_vic', '/rule 12'), d));
    assert.match(editable, /"a":"rule_save","r":12/);
    assert.doesNotMatch(readOnly, /rule_save/);
  });

  test('/alerts, /pools and /config answer with their cards', async () => {
    const { d } = fakeDeps();
    assert.match(title(await handleMessage(said('ou_vic', '/alerts'), d)), /Active alerts \(0\)/);
    assert.match(title(await handleMessage(said('ou_vic', '/pools'), d)), /Scrape pools \(0\)/);
    assert.match(title(await handleMessage(said('ou_vic', '/config 1'), d)), /Config of pool main/);
  });

  test('/pools and /config show a config promtool refused, and that the instance keeps its last good files', async () => {
    const at = new Date('2026-05-10T02:00:00Z');
    const instance = {
      id: 3, address: 'p1:9090', healthy: true, lastProbeAt: at,
      publish: [{ file: 'rules.yml', hash: 'a'.repeat(64), publishedAt: new Date('2026-05-09T02:00:00Z'), reloadOk: true, error: null }],
      refused: { at, error: 'promtool check config refused it: FAILED: rules.yml: unknown function with name "mad_over_time"' },
    };
    const pool = { id: 1, name: 'main', instances: [instance] } as any;
    const { d } = fakeDeps();
    d.pools = { ...d.pools, list: async () => [pool], get: async () => pool, findByName: async () => pool };
    d.poolConfigs = { ...d.poolConfigs, instanceFiles: async () => ({ instanceId: 3, address: 'p1:9090', configFile: 'prometheus.yml', rulesOnly: false, files: [{ path: 'rules.yml', content: 'x', hash: 'b'.repeat(64) }] }) };
    const pools = body(await handleMessage(said('ou_vic', '/pools'), d));
    assert.match(pools, /Last publish: 2026-05-10 02:00 ❌ p1:9090 keeps its last good files: promtool check config refused it/);
    const summary = body(await handleMessage(said('ou_vic', '/config 1'), d));
    assert.match(summary, /❌ newer files refused at 05-10 02:00, not written \(it keeps the files above\): promtool check config refused it/);
    const detail = body(await handleMessage(said('ou_vic', '/config 1 p1:9090'), d));
    assert.match(detail, /rules.yml\*\* · bbbbbbbbbbbb · 1 bytes · ❌ refused by its check, not published/);
  });

  test('a message too long for a command, and too many ids, are refused before anything runs', async () => {
    const { d, calls } = fakeDeps();
    const long = await handleMessage(said('ou_eve', `/claim ${'1 '.repeat(5000)}`), d);
    assert.match(title(long), /^That message is \d+ characters long; a command is at most 4096/);
    const many = await handleMessage(said('ou_eve', `/silence ${Array.from({ length: 51 }, (_, i) => i + 1).join(' ')} 1h`), d);
    assert.match(body(many), /that is 51 ids; give at most 50 at a time/);
    assert.deepEqual([calls.claims, calls.silences], [[], []]);
  });

  test('an unexpected failure is logged and answered with a generic error card', async () => {
    const { d, calls } = fakeDeps({ eventCards: { active: () => Promise.reject(new Error('db down')), forMessage: async () => null, groupCardOf: async () => null } });
    const r = await handleMessage(said('ou_vic', '/alerts'), d);
    assert.match(body(r), /internal/);
    assert.doesNotMatch(body(r), /db down/);
    assert.equal(calls.errors.length, 1);
  });
});
