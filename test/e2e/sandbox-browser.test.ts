import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_WEBHOOK_TOKEN, startDemo, type Demo } from '../../scripts/demo/start';
import { DEMO } from '../../scripts/demo/world';
import { webhookBody } from '../support/alerts';
import { MYSQL_BASE, REDIS_URL, uniqueName } from '../support/env';
import { requireBinary } from '../support/processes';

const ARTIFACTS = 'test-artifacts';
// The webhook → card path takes seconds; Prometheus' first evaluation and `for` add up to ~20 s.
const CARD_TIMEOUT_MS = 90_000;

/**
 * What a newcomer does after `npm run demo`, in Debian's Chromium: open the sandbox, see the
 * alert group card arrive, acknowledge it, silence it through its form, ask for the roster. The bot speaks Chinese here
 * (LOCALE=zh-CN, Feishu's default) and is typed to with the Chinese command names, so the
 * screenshots show the Chinese cards. Screenshots land in test-artifacts/ to look at (CI keeps them).
 */
describe('the Feishu sandbox page, in a browser, over the demo world', () => {
  let demo: Demo;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  /** What the sandbox endpoints answered the page, to explain a missing toast. */
  const answers: string[] = [];

  /** The page with `card` at the top of the chat (the list keeps its own scroll position). */
  const shot = async (name: string, card: Locator) => {
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) });
  };
  const toast = async (text: string): Promise<void> => {
    try {
      await page.locator('.toast', { hasText: text }).waitFor();
    } catch (e) {
      throw new Error(`no "${text}" toast; the sandbox answered: ${answers.join(' | ') || 'nothing'}`, { cause: e });
    }
  };
  const cardTitled = (title: string): Locator => page.locator('article.msg', { has: page.locator('.hd-title', { hasText: title }) });

  before(async () => {
    const chromiumPath = requireBinary('chromium');
    await mkdir(ARTIFACTS, { recursive: true });
    const name = uniqueName('demo');
    demo = await startDemo({ database: name, redisPrefix: name, port: 0, mysqlUrl: MYSQL_BASE, redisUrl: REDIS_URL, logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', dropOnStop: true, locale: 'zh-CN' });
    assert.deepEqual(demo.missing, [], 'the demo needs prometheus, prometheus-alertmanager, prometheus-node-exporter and victoria-metrics');
    profile = await mkdtemp(join(tmpdir(), 'pd-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 960 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().includes('/sandbox/api/')) void r.text().then((t) => answers.push(`${r.status()} ${t}`));
    });
  });

  after(async () => {
    // Each step timed: when this hook is slow on a busy box, the log says which part was.
    const timed = async (what: string, step: () => Promise<unknown> | undefined) => {
      const t0 = performance.now();
      await step();
      process.stdout.write(`# after: ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    };
    await timed('chromium closed', () => context?.close());
    await timed('demo stopped', () => demo?.stop());
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('the alert group card arrives, Acknowledge all and its silence form update it in place, /roster answers, a swap is asked with @ and accepted by another user, /stats draws its charts', { timeout: 240_000 }, async () => {
    await page.goto(demo.urls.sandbox);
    await page.locator('#chat-title', { hasText: 'ops (send group)' }).waitFor();

    // The group card itself, not the notices in its thread (they carry the alert name as their title too).
    const alert = cardTitled(DEMO.firingRule).filter({ has: page.locator('.hd-subtitle', { hasText: '条告警' }) });
    await alert.waitFor({ timeout: CARD_TIMEOUT_MS });
    await alert.locator('.card-header.hd-orange').waitFor(); // a firing warning is orange
    await alert.locator('.mention', { hasText: '@Alice Chen' }).waitFor(); // today's on-call person, @-mentioned
    await shot('1-alert', alert);
    // Issue 14: vmalert reads VictoriaMetrics, where both collectors' shards meet: the aggregate fires.
    await cardTitled(DEMO.aggregateRule).waitFor({ timeout: CARD_TIMEOUT_MS });

    // The demo's alerts arrive as alert group cards (issue #15), in Chinese.
    await page.selectOption('#actas', 'ou_demo_bob');
    await alert.getByRole('button', { name: '全部确认', exact: true }).click();
    await toast('确认了');
    await alert.locator('.tag', { hasText: '已确认' }).waitFor();
    await alert.getByText('确认人：').first().waitFor();
    await alert.getByRole('button', { name: '取消确认', exact: true }).waitFor();
    assert.equal(await alert.getByRole('button', { name: '全部确认', exact: true }).count(), 0, 'no Acknowledge all button once acknowledged');
    await shot('2-acknowledged', alert);

    // The card's silence form: a duration picked from its select, a reason typed, submitted.
    const silenceForm = alert.locator('form', { has: page.getByRole('button', { name: '屏蔽告警组', exact: true }) });
    await silenceForm.locator('select').first().selectOption('1h');
    await silenceForm.getByPlaceholder('原因').fill('演示：维护窗口');
    await silenceForm.getByRole('button', { name: '屏蔽告警组', exact: true }).click();
    await toast('屏蔽了');
    await alert.locator('.card-header.hd-grey').waitFor();
    await alert.locator('.tag', { hasText: '已屏蔽' }).waitFor();
    await alert.getByText('屏蔽人：').first().waitFor();
    assert.equal(await alert.getByRole('button', { name: '屏蔽告警组', exact: true }).count(), 0, 'no silence form once silenced');
    await shot('3-silenced', alert);

    await page.fill('#text', '/排班');
    await page.press('#text', 'Enter');
    const roster = cardTitled(`排班：${DEMO.oncallGroup}`);
    await roster.waitFor({ timeout: 30_000 });
    await roster.locator('.md', { hasText: 'Alice' }).first().waitFor();
    await roster.locator('.md', { hasText: '周一' }).first().waitFor();
    await shot('4-roster', page.locator('article.msg.from-user', { hasText: '/排班' }));
    await roster.screenshot({ path: join(ARTIFACTS, 'sandbox-roster-card.png') });
    await alert.screenshot({ path: join(ARTIFACTS, 'sandbox-alert-card.png') });

    // A swap request and its acceptance, as two people: Bob asks Carol (picked with "@" in the
    // composer, a real mention) to take his shift tomorrow, in the group chat.
    const day = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + n * 86_400_000));
    const tomorrow = day(1); // Bob's day in the rotation
    await page.selectOption('#actas', 'ou_demo_bob');
    await page.fill('#text', `/换班 ${DEMO.oncallGroup} ${tomorrow} `);
    await page.locator('#text').pressSequentially('@Car');
    await page.locator('#mention-picker .mention-option', { hasText: 'Carol Wang' }).click();
    assert.equal(await page.inputValue('#text'), `/换班 ${DEMO.oncallGroup} ${tomorrow} @Carol Wang `);
    await page.press('#text', 'Enter');
    const asked = page.locator('article.msg.from-user', { hasText: '/换班' }).last();
    await asked.locator('.mention', { hasText: '@Carol Wang' }).waitFor();
    const request = cardTitled(`换班申请：${DEMO.oncallGroup}`);
    await request.first().waitFor({ timeout: 30_000 });
    await request.locator('.mention', { hasText: '@Carol Wang' }).first().waitFor();
    await shot('5-swap-requested', asked);

    // Carol, in her private chat with the bot: the request waits for her Accept.
    await page.locator('#chats button.chat', { hasText: 'Carol Wang' }).click();
    assert.equal(await page.inputValue('#actas'), 'ou_demo_carol', 'a private chat acts as its owner');
    const mine = cardTitled(`换班申请：${DEMO.oncallGroup}`);
    await mine.waitFor({ timeout: 30_000 });
    await mine.getByRole('button', { name: '接受', exact: true }).click();
    await toast('已接受：这个班次归你了');
    await cardTitled(`换班已接受：${DEMO.oncallGroup}`).waitFor();
    await shot('6-swap-accepted', cardTitled(`换班已接受：${DEMO.oncallGroup}`));

    // Back in the group: the outcome is posted, and the roster shows Carol tomorrow, marked.
    await page.locator('#chats button.chat', { hasText: 'ops' }).first().click();
    await cardTitled(`换班已接受：${DEMO.oncallGroup}`).first().waitFor({ timeout: 30_000 });
    await page.fill('#text', '/排班');
    await page.press('#text', 'Enter');
    const updated = cardTitled(`排班：${DEMO.oncallGroup}`).last();
    await updated.locator('.md', { hasText: 'Carol ⇄' }).first().waitFor({ timeout: 30_000 });
    await updated.getByRole('button', { name: /▶$/ }).waitFor();
    await updated.screenshot({ path: join(ARTIFACTS, 'sandbox-roster-swapped.png') });

    // The form: Carol offers her own shift the day after to the whole group.
    await page.fill('#text', `/换班 ${DEMO.oncallGroup}`);
    await page.press('#text', 'Enter');
    const form = cardTitled(`换班：${DEMO.oncallGroup}`);
    await form.waitFor({ timeout: 30_000 });
    await form.locator('input[type=date]').fill(day(2));
    await form.getByRole('button', { name: '转让给值班组', exact: true }).click();
    await toast('已转让给值班组');
    // The form card became the offer (a pending request to the whole group).
    await shot('7-offered', cardTitled(`换班申请：${DEMO.oncallGroup}`).last());

    // /stats in the send group's chat: the card's two charts, drawn from their VChart specs.
    await page.fill('#text', '/统计');
    await page.press('#text', 'Enter');
    const stats = cardTitled(`统计：${DEMO.sendGroup}，最近 7 天`);
    await stats.waitFor({ timeout: 30_000 });
    const charts = stats.locator('.chart svg');
    assert.equal(await charts.count(), 2, 'alerts per day and the noisiest rules');
    assert.equal(await charts.nth(0).locator('rect.chart-bar').count(), 7, 'one bar per day');
    await charts.nth(1).locator('text.chart-label', { hasText: DEMO.firingRule }).waitFor();
    assert.equal(await stats.locator('.unsupported').count(), 0, 'every element of the card rendered');
    await stats.screenshot({ path: join(ARTIFACTS, 'sandbox-stats-card.png') });

    assert.deepEqual(pageErrors, [], 'the page ran without script errors');
  });

  test('a storm of alert groups arriving together folds into a storm card: each group once, with its counts, its differing labels summarised and its buttons', { timeout: 120_000 }, async () => {
    // Eight Alertmanager groups at once (over the digest threshold of 5), three alerts each.
    const groups = 8;
    const storm = Array.from({ length: groups }, (_, g) =>
      webhookBody(
        Array.from({ length: 3 }, (_, i) => ({ name: 'StormDemo', severity: 'warning', instance: `10.9.${g}.${i}:9100`, sendGroup: demo.world.sendGroupId })),
        `{}:{storm="${g}"}`,
      ),
    );
    const posted = await Promise.all(
      storm.map((body) =>
        fetch(`${demo.urls.promduty}/api/v1/alerts/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_WEBHOOK_TOKEN}` },
          body: JSON.stringify(body),
        }),
      ),
    );
    assert.deepEqual(posted.map((r) => r.status), Array(groups).fill(200));

    await page.locator('#chats button.chat', { hasText: 'ops' }).first().click();
    // The first group may come a round ahead on a card of its own; the rest fold.
    const digest = page.locator('article.msg', { has: page.locator('.hd-subtitle', { hasText: `告警风暴 · ${DEMO.sendGroup}` }) }).last();
    await digest.waitFor({ timeout: 60_000 });
    const listed = Number((await digest.locator('.hd-title').innerText()).match(/^(\d+) 个告警组/)?.[1]);
    assert.ok(listed >= groups - 1, `${listed} groups on the storm card`);
    const lines = digest.locator('.md', { hasText: 'StormDemo' });
    assert.equal(await lines.count(), listed, 'each group listed once');
    for (let i = 0; i < listed; i++) {
      const line = await lines.nth(i).innerText();
      assert.match(line, /StormDemo · 3 条告警（3 条告警中）/, 'the group\'s counts');
      assert.match(line, /instance：3 个值/, 'the differing label summarised');
      assert.match(line, /告警组 #\d+/, 'the group named, for /告警组 ID');
    }
    assert.equal(await digest.getByRole('button', { name: '全部确认', exact: true }).count(), listed, 'Acknowledge all per group');
    assert.equal(await digest.locator('select').count(), listed, 'a silence duration per group');
    await shot('8-storm', digest);
    await digest.screenshot({ path: join(ARTIFACTS, 'sandbox-storm-card.png') });
    assert.deepEqual(pageErrors, [], 'the page ran without script errors');
  });
});
