import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handleMessage } from '../../src/chat/handle';
import { closestCommand, COMMANDS, editDistance, findCommand } from '../../src/chat/registry';
import { handleCardAction } from '../../src/chat/card-actions';
import { LOCALES, t } from '../../src/i18n';
import { assertGoldenJsonIn } from '../support/golden';
import { fakeDeps, said } from './chat-fakes';

/**
 * One message per command that gets a real answer from the fakes (chat-fakes.ts), written with
 * the English name; a command added to the registry without a sample fails the first test.
 */
const SAMPLES: Record<string, { user: string; args: string }> = {
  help: { user: 'ou_eve', args: '' },
  whoami: { user: 'ou_ada', args: '' },
  oncall: { user: 'ou_vic', args: 'infra' },
  roster: { user: 'ou_vic', args: '2026-06' },
  swap: { user: 'ou_eve', args: 'infra 2026-05-12 offer' },
  alerts: { user: 'ou_vic', args: '' },
  claim: { user: 'ou_eve', args: '42' },
  silence: { user: 'ou_eve', args: '42 1h' },
  unsilence: { user: 'ou_eve', args: '42' },
  rules: { user: 'ou_vic', args: 'cpu' },
  rule: { user: 'ou_eve', args: '12' },
  pools: { user: 'ou_vic', args: '' },
  config: { user: 'ou_vic', args: '1' },
  stats: { user: 'ou_vic', args: 'infra-alerts 7' },
  actions: { user: 'ou_vic', args: '' },
  ack: { user: 'ou_eve', args: '42' },
  unack: { user: 'ou_eve', args: '42' },
  group: { user: 'ou_eve', args: '12 ack' },
  notify: { user: 'ou_vic', args: 'critical phone 5m' },
};

/** Chinese sub-command words and the English ones they stand for. */
const WORDS: Array<[zh: string, en: string]> = [
  ['/值班 接下来 infra', '/oncall next infra'],
  ['/值班 我', '/oncall me'],
  ['/换班 infra 2026-05-20 我', '/swap infra 2026-05-20 me'],
  ['/换班 infra 2026-05-12 转让', '/swap infra 2026-05-12 offer'],
  ['/规则详情 停用 12', '/rule disable 12'],
  ['/统计 全部 30', '/stats all 30'],
  ['/通知 quiet 22:00-07:00 Asia/Shanghai', '/notify quiet 22:00-07:00 Asia/Shanghai'],
];

const reply = async (text: string, user: string, locale: (typeof LOCALES)[number]) => {
  const { d } = fakeDeps({ locale });
  return handleMessage(said(user, text), d);
};

describe('every command in both languages', () => {
  test('every command has a sample and a Chinese alias; no alias is shared or shadows a name', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), COMMANDS.map((c) => c.name).sort());
    const names = COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
    assert.equal(new Set(names).size, names.length, 'a name or alias is used twice');
    for (const c of COMMANDS) {
      assert.ok(c.aliases.length > 0, `/${c.name} has no Chinese alias`);
      for (const a of c.aliases) assert.match(a, /^\p{Script=Han}+$/u, a);
      // The Chinese usage names the command by its first alias, the English one by its name.
      assert.ok(t('zh-CN', c.usage).startsWith(`/${c.aliases[0]}`), `${c.usage} (zh-CN) starts with /${c.aliases[0]}`);
      assert.ok(t('en', c.usage).startsWith(`/${c.name}`), `${c.usage} (en) starts with /${c.name}`);
    }
  });

  for (const c of COMMANDS) {
    const { user, args } = SAMPLES[c.name]!;
    test(`/${c.name} works by its Chinese alias /${c.aliases.join(', /')}, and its reply is pinned in both languages`, async () => {
      for (const locale of LOCALES) {
        const english = await reply(`/${c.name} ${args}`, user, locale);
        assert.ok(!('card' in english) || english.card.header.template !== 'red', `/${c.name} ${args} is a sample that works (${locale})`);
        for (const alias of c.aliases) assert.deepEqual(await reply(`/${alias} ${args}`, user, locale), english, `/${alias} answers as /${c.name}`);
        assertGoldenJsonIn(locale, `replies/${c.name}.json`, english);
      }
    });
  }

  test('Chinese words of the arguments mean the English ones', async () => {
    for (const [zh, en] of WORDS) {
      const user = zh.startsWith('/换班') || zh.startsWith('/规则详情') ? 'ou_ada' : 'ou_vic';
      for (const locale of LOCALES) assert.deepEqual(await reply(zh, user, locale), await reply(en, user, locale), zh);
    }
  });

  test('the Chinese bot answers in Chinese and says what to type instead, never an error code', async () => {
    const help = JSON.stringify(await reply('/帮助', 'ou_eve', 'zh-CN'));
    assert.match(help, /promduty 命令/);
    assert.match(help, /\/值班/);
    const wrong = JSON.stringify(await reply('/认领 abc', 'ou_eve', 'zh-CN'));
    assert.match(wrong, /输入有误/);
    assert.match(wrong, /请这样输入：\/认领/);
    const refused = JSON.stringify(await reply('/屏蔽 42 1h', 'ou_vic', 'zh-CN'));
    assert.match(refused, /没有权限/);
    for (const s of [wrong, refused]) assert.doesNotMatch(s, /validation_failed|forbidden|not_found/);
    assert.match(JSON.stringify(await reply('/值班 nope', 'ou_vic', 'zh-CN')), /没有找到值班组“nope”.*发送 \/值班 查看现有的/);
    assert.deepEqual(await reply('值班', 'ou_vic', 'zh-CN'), await reply('/oncall', 'ou_vic', 'zh-CN'), 'no slash in a private chat');
    assert.deepEqual(await reply('／值班', 'ou_vic', 'zh-CN'), await reply('/oncall', 'ou_vic', 'zh-CN'), 'a full-width slash');
  });

  test('card buttons answer in the bot language', async () => {
    const { d } = fakeDeps({ locale: 'zh-CN' });
    const a = await handleCardAction({ operatorOpenId: 'ou_eve', action: { value: { a: 'claim', e: 42 } }, messageId: null }, d);
    assert.deepEqual(a.toast, { type: 'success', content: '已认领 #42 HighCPU' });
    const stranger = await handleCardAction({ operatorOpenId: 'ou_nobody', action: { value: { a: 'claim', e: 42 } }, messageId: null }, d);
    assert.match(stranger.toast.content, /你还不是 promduty 的用户/);
  });
});

describe('unknown commands', () => {
  test('suggest the closest name or alias, in the bot language', async () => {
    assert.equal(editDistance('oncal', 'oncall'), 1);
    assert.equal(editDistance('值斑', '值班'), 1);
    assert.equal(closestCommand('oncal')?.name, 'oncall');
    assert.equal(closestCommand('silense')?.name, 'silence');
    assert.equal(closestCommand('sil')?.name, 'silence', 'a prefix');
    assert.equal(closestCommand('值斑')?.name, 'oncall');
    assert.equal(closestCommand('取消')?.name, 'unsilence', 'a prefix of 取消屏蔽');
    assert.equal(closestCommand('deploy'), null, 'nothing near');
    assert.equal(findCommand('值班')?.name, 'oncall');
    const en = JSON.stringify(await reply('/oncal', 'ou_vic', 'en'));
    assert.match(en, /There is no command \/oncal\./);
    assert.match(en, /Did you mean \/oncall/);
    const zh = JSON.stringify(await reply('/值斑', 'ou_vic', 'zh-CN'));
    assert.match(zh, /没有 \/值斑 这个命令/);
    assert.match(zh, /你是不是想用 \/值班/);
    assert.match(JSON.stringify(await reply('/deploy', 'ou_vic', 'en')), /Send \/help for what I can do/);
  });
});
