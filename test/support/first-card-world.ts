import assert from 'node:assert/strict';
import { join } from 'node:path';
import { instanceDirName } from '../../src/publish/render-pool';
import { cards, sendGroup, startAlertApp, titleOf, type AlertTestApp } from './alerts';
import { freePort, startAlertmanager, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from './processes';

/**
 * Rule published → first card, with the real pieces: promduty publishes a rule that fires at
 * once (`vector(1) > 0`) to a real Prometheus 2.42 started with the flags promduty expects
 * (test/support/processes.ts, README "Production"), which alerts a real Alertmanager 0.25 that
 * promduty configured, whose webhook reaches promduty, which posts the card to the local
 * Feishu server. The clock stops at the card's arrival there.
 *
 * Prometheus forgets its Alertmanagers on every reload until its notifier discovery delivers
 * them again (up to its 5 s update tick; ~1–2 s in this world): a new rule first evaluated in
 * that gap has its notification dropped (prometheus_notifications_dropped_total) and resent
 * only at the first evaluation after `--rules.alert.resend-delay` (1 m by default). With the
 * delay below the evaluation interval (2 s < 5 s here, as README asks) that is the next
 * evaluation, so the worst case is gap + interval + group_wait.
 * Shared by test/e2e/first-card.test.ts and the bench (bench/timing.ts).
 */

export const FIRST_CARD_EVAL_S = 5;
export const FIRST_CARD_GROUP_WAIT_S = 1;
/** The goal (issue 14): evaluation interval + group_wait + 5 s. */
export const FIRST_CARD_GOAL_S = FIRST_CARD_EVAL_S + FIRST_CARD_GROUP_WAIT_S + 5;

export interface FirstCardFigure {
  /** From the rule's POST being accepted to the card at Feishu, seconds. */
  acceptedS: number;
  /** From promduty's reload of the Prometheus holding the rule to the card, seconds. */
  reloadedS: number;
  /** Notifications Prometheus dropped meanwhile (1: the first one fell in the reload gap). */
  dropped: number;
}

export interface FirstCardWorld {
  a: AlertTestApp;
  prom: RunningProcess;
  am: RunningProcess;
  poolId: number;
  sendGroupId: number;
  chat: string;
  close(): Promise<void>;
}

/** promduty, one Prometheus and one Alertmanager, both published to and reloaded before any rule exists. */
export async function startFirstCardWorld(): Promise<FirstCardWorld> {
  const port = await freePort();
  const a = await startAlertApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  const running: RunningProcess[] = [];
  try {
    const [promPort, amPort] = [await freePort(), await freePort()];
    const cfg = a.t.app.settings.configDir;
    const amFile = join(cfg, 'alertmanager', 'am', instanceDirName(`127.0.0.1:${amPort}`), 'alertmanager.yml');
    const promFile = join(cfg, 'eval', instanceDirName(`127.0.0.1:${promPort}`), 'prometheus.yml');
    await writeFileDeep(amFile, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
    await writeFileDeep(promFile, 'scrape_configs: []\n');
    const am = await startAlertmanager(amFile, amPort);
    running.push(am);
    const prom = await startPrometheus(promFile, promPort);
    running.push(prom);

    const ok = async (method: string, path: string, body: unknown) => {
      const r = await a.t.api(method, path, body);
      assert.ok(r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await ok('PATCH', `/api/v1/alertmanager-clusters/${a.clusterId}`, { instances: [am.address] });
    const sg = await sendGroup(a, 'first', { groupWait: `${FIRST_CARD_GROUP_WAIT_S}s`, groupInterval: '1s' });
    const pool = await ok('POST', '/api/v1/pools', { name: 'eval', instances: [prom.address], alertmanagerClusterId: a.clusterId, evaluationInterval: `${FIRST_CARD_EVAL_S}s` });
    // Steady state before the rule: both configs live, and Prometheus knows its Alertmanager.
    await waitFor('both configs published and reloaded', async () => {
      const rows = await a.t.app.db('publish_state').select('target_kind', 'reload_ok', 'content');
      const amOk = rows.some((r: any) => r.target_kind === 'alertmanager' && r.reload_ok && r.content.includes(`sg-${sg.id}`));
      const promOk = rows.some((r: any) => r.target_kind === 'prometheus' && r.reload_ok && r.content.includes(am.address));
      return amOk && promOk;
    });
    await waitFor('Prometheus to know its Alertmanager', async () => {
      const body = (await (await fetch(`http://${prom.address}/api/v1/alertmanagers`)).json()) as any;
      return body.data.activeAlertmanagers.length === 1;
    });
    return {
      a, prom, am, poolId: pool.id, sendGroupId: sg.id, chat: sg.chat,
      close: async () => {
        await Promise.all(running.map((p) => p.stop()));
        await a.close();
      },
    };
  } catch (e) {
    await Promise.all(running.map((p) => p.stop()));
    await a.close();
    throw e;
  }
}

async function droppedNotifications(prom: RunningProcess): Promise<number> {
  const text = await (await fetch(`http://${prom.address}/metrics`)).text();
  return Number(/^prometheus_notifications_dropped_total (\S+)$/m.exec(text)?.[1] ?? 0);
}

/** Publishes one rule named `name` that fires at once and times its first card. */
export async function timeFirstCard(w: FirstCardWorld, name: string): Promise<FirstCardFigure> {
  const droppedBefore = await droppedNotifications(w.prom);
  const amPublishedAt = async () => (await w.a.t.app.db('publish_state').where({ target_kind: 'alertmanager' }).max('published_at as at').first())?.at?.getTime();
  const amBefore = await amPublishedAt();
  const r = await w.a.t.api('POST', '/api/v1/alert-rules', { poolId: w.poolId, sendGroupId: w.sendGroupId, name, expr: 'vector(1) > 0', severity: 'critical' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const accepted = Date.now();
  const card = await waitFor(`the first card of ${name}`, async () => cards(w.a.feishu, w.chat).find((m) => titleOf(m) === name), 120_000, 50);
  const reload = await w.a.t.app
    .db('publish_state')
    .where({ target_kind: 'prometheus', file: 'rules.yml', reload_ok: true })
    .first('reloaded_at', 'content');
  assert.ok(reload?.content.includes(name), 'the card came from the published rule');
  // A rule touches only its Prometheus: reloading Alertmanager would restart its aggregation groups.
  assert.equal(await amPublishedAt(), amBefore, 'Alertmanager was not republished for a rule');
  return {
    acceptedS: (card.created_at - accepted) / 1000,
    reloadedS: (card.created_at - reload.reloaded_at.getTime()) / 1000,
    dropped: (await droppedNotifications(w.prom)) - droppedBefore,
  };
}
