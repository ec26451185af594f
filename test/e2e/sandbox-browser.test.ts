import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../../scripts/demo/start';
import { DEMO } from '../../scripts/demo/world';
import { MYSQL_BASE, REDIS_URL, uniqueName } from '../support/env';
import { requireBinary } from '../support/processes';

const ARTIFACTS = 'test-artifacts';
// The webhook → card path takes seconds; Prometheus' first evaluation and `for` add up to ~20 s.
const CARD_TIMEOUT_MS = 90_000;

/**
 * What a newcomer does after `npm run demo`, in Debian's Chromium: open the sandbox, see the
 * alert card arrive, claim it, silence it, ask for the roster. Screenshots land in
 * test-artifacts/ to look at (CI keeps them).
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
    demo = await startDemo({ database: name, redisPrefix: name, port: 0, mysqlUrl: MYSQL_BASE, redisUrl: REDIS_URL, logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', dropOnStop: true });
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
    await context?.close();
    await demo?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('the alert card arrives, Claim and Silence update it in place, /roster answers, a swap is asked with @ and accepted by another user, /stats draws its charts', { timeout: 240_000 }, async () => {
    await page.goto(demo.urls.sandbox);
    await page.locator('#chat-title', { hasText: 'ops (send group)' }).waitFor();

    const alert = cardTitled(DEMO.firingRule);
    await alert.waitFor({ timeout: CARD_TIMEOUT_MS });
    await alert.locator('.card-header.hd-orange').waitFor(); // a firing warning is orange
    await alert.locator('.mention', { hasText: '@Alice Chen' }).waitFor(); // today's on-call person, @-mentioned
    await shot('1-alert', alert);
    // Issue 14: vmalert reads VictoriaMetrics, where both collectors' shards meet: the aggregate fires.
    await cardTitled(DEMO.aggregateRule).waitFor({ timeout: CARD_TIMEOUT_MS });

    await page.selectOption('#actas', 'ou_demo_bob');
    await alert.getByRole('button', { name: 'Claim', exact: true }).click();
    await toast('Claimed');
    await alert.locator('.hd-subtitle', { hasText: 'claimed by Bob Li' }).waitFor();
    await alert.locator('.tag', { hasText: 'CLAIMED' }).waitFor();
    assert.equal(await alert.getByRole('button', { name: 'Claim', exact: true }).count(), 0, 'no Claim button once claimed');
    await shot('2-claimed', alert);

    await alert.getByRole('button', { name: 'Silence 1h' }).click();
    await alert.locator('.card-header.hd-grey').waitFor();
    await alert.locator('.tag', { hasText: 'SILENCED' }).waitFor();
    await alert.getByRole('button', { name: 'Unsilence' }).waitFor();
    await shot('3-silenced', alert);

    await page.fill('#text', '/roster');
    await page.press('#text', 'Enter');
    const roster = cardTitled(`Roster: ${DEMO.oncallGroup}`);
    await roster.waitFor({ timeout: 30_000 });
    await roster.locator('.md', { hasText: 'Alice' }).first().waitFor();
    await shot('4-roster', page.locator('article.msg.from-user', { hasText: '/roster' }));
    await roster.screenshot({ path: join(ARTIFACTS, 'sandbox-roster-card.png') });
    await alert.screenshot({ path: join(ARTIFACTS, 'sandbox-alert-card.png') });

    // A swap request and its acceptance, as two people: Bob asks Carol (picked with "@" in the
    // composer, a real mention) to take his shift tomorrow, in the group chat.
    const day = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + n * 86_400_000));
    const tomorrow = day(1); // Bob's day in the rotation
    await page.selectOption('#actas', 'ou_demo_bob');
    await page.fill('#text', `/swap ${DEMO.oncallGroup} ${tomorrow} `);
    await page.locator('#text').pressSequentially('@Car');
    await page.locator('#mention-picker .mention-option', { hasText: 'Carol Wang' }).click();
    assert.equal(await page.inputValue('#text'), `/swap ${DEMO.oncallGroup} ${tomorrow} @Carol Wang `);
    await page.press('#text', 'Enter');
    const asked = page.locator('article.msg.from-user', { hasText: '/swap' }).last();
    await asked.locator('.mention', { hasText: '@Carol Wang' }).waitFor();
    const request = cardTitled(`Shift swap request: ${DEMO.oncallGroup}`);
    await request.first().waitFor({ timeout: 30_000 });
    await request.locator('.mention', { hasText: '@Carol Wang' }).first().waitFor();
    await shot('5-swap-requested', asked);

    // Carol, in her private chat with the bot: the request waits for her Accept.
    await page.locator('#chats button.chat', { hasText: 'Carol Wang' }).click();
    assert.equal(await page.inputValue('#actas'), 'ou_demo_carol', 'a private chat acts as its owner');
    const mine = cardTitled(`Shift swap request: ${DEMO.oncallGroup}`);
    await mine.waitFor({ timeout: 30_000 });
    await mine.getByRole('button', { name: 'Accept', exact: true }).click();
    await toast('Accepted: the shift is yours');
    await cardTitled(`Shift swap accepted: ${DEMO.oncallGroup}`).waitFor();
    await shot('6-swap-accepted', cardTitled(`Shift swap accepted: ${DEMO.oncallGroup}`));

    // Back in the group: the outcome is posted, and the roster shows Carol tomorrow, marked.
    await page.locator('#chats button.chat', { hasText: 'ops' }).first().click();
    await cardTitled(`Shift swap accepted: ${DEMO.oncallGroup}`).first().waitFor({ timeout: 30_000 });
    await page.fill('#text', '/roster');
    await page.press('#text', 'Enter');
    const updated = cardTitled(`Roster: ${DEMO.oncallGroup}`).last();
    await updated.locator('.md', { hasText: 'Carol ⇄' }).first().waitFor({ timeout: 30_000 });
    await updated.getByRole('button', { name: /▶$/ }).waitFor();
    await updated.screenshot({ path: join(ARTIFACTS, 'sandbox-roster-swapped.png') });

    // The form: Carol offers her own shift the day after to the whole group.
    await page.fill('#text', `/swap ${DEMO.oncallGroup}`);
    await page.press('#text', 'Enter');
    const form = cardTitled(`Swap a shift: ${DEMO.oncallGroup}`);
    await form.waitFor({ timeout: 30_000 });
    await form.locator('input[type=date]').fill(day(2));
    await form.getByRole('button', { name: 'Offer to the group', exact: true }).click();
    await toast('Offered to the group');
    await shot('7-offered', form);

    // /stats in the send group's chat: the card's two charts, drawn from their VChart specs.
    await page.fill('#text', '/stats');
    await page.press('#text', 'Enter');
    const stats = cardTitled(`Stats: ${DEMO.sendGroup}, last 7 days`);
    await stats.waitFor({ timeout: 30_000 });
    const charts = stats.locator('.chart svg');
    assert.equal(await charts.count(), 2, 'alerts per day and the noisiest rules');
    assert.equal(await charts.nth(0).locator('rect.chart-bar').count(), 7, 'one bar per day');
    await charts.nth(1).locator('text.chart-label', { hasText: DEMO.firingRule }).waitFor();
    assert.equal(await stats.locator('.unsupported').count(), 0, 'every element of the card rendered');
    await stats.screenshot({ path: join(ARTIFACTS, 'sandbox-stats-card.png') });

    assert.deepEqual(pageErrors, [], 'the page ran without script errors');
  });
});
