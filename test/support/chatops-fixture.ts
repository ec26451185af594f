import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { textCard } from '../../src/cards/text-card';
import { silentLogger } from '../../src/core/logger';
import { createLarkClient } from '../../src/feishu/client';
import { larkCardSender } from '../../src/feishu/send';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from './app';
import { FeishuCaller } from './feishu-callbacks';
import { freePort, startAlertmanager, type RunningProcess } from './processes';

export const CHATOPS_APP = { appId: 'cli_chatops', appSecret: 'chatops-secret' };
export const CHATOPS_KEYS = { encryptKey: 'chatops-encrypt-key', verificationToken: 'chatops-verification' };
export const CHAT = 'oc_chatops_room';
export const DEAD_CHAT = 'oc_chatops_dead_am';

export interface AmSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isEqual: boolean; isRegex: boolean }[];
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface ChatopsWorld {
  feishu: FeishuServer;
  am: RunningProcess;
  t: TestApp;
  /** Signs and encrypts like Feishu with the app's keys. */
  caller: FeishuCaller;
  /** Users ada (admin), eve (editor), vic (viewer); send groups on a live and a dead Alertmanager. */
  ids: Record<'ada' | 'eve' | 'vic' | 'group' | 'deadGroup', number>;
  /** A firing event as the alert pipeline leaves it, its card posted to the group by the app bot. */
  firingEvent(alertname: string, labels: Record<string, string>, dead?: boolean): Promise<{ id: number; messageId: string }>;
  silences(): Promise<AmSilence[]>;
  close(): Promise<void>;
}

/**
 * promduty with Feishu callbacks on (encrypt key and verification token), a local Feishu, a
 * real Alertmanager, three users and two send groups: one on that Alertmanager, one on a
 * cluster whose only instance is not listening.
 */
export async function startChatopsWorld(env: Record<string, string> = {}): Promise<ChatopsWorld> {
  const feishu = await FeishuServer.start(CHATOPS_APP);
  const dir = await mkdtemp(join(tmpdir(), 'pd-chatops-'));
  await writeFile(join(dir, 'am.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  const am = await startAlertmanager(join(dir, 'am.yml'));
  const t = await startTestApp({
    env: {
      FEISHU_DOMAIN: feishu.url,
      FEISHU_APP_ID: CHATOPS_APP.appId,
      FEISHU_APP_SECRET: CHATOPS_APP.appSecret,
      FEISHU_ENCRYPT_KEY: CHATOPS_KEYS.encryptKey,
      FEISHU_VERIFICATION_TOKEN: CHATOPS_KEYS.verificationToken,
      ...env,
    },
  });
  const logger = silentLogger();
  const sender = larkCardSender(createLarkClient({ ...CHATOPS_APP, domain: feishu.url, mode: 'http', enabled: true }, logger), logger);
  const created = async (path: string, body: object): Promise<number> => {
    const r = await t.api('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const ids = {} as ChatopsWorld['ids'];
  for (const [name, role] of [['ada', 'admin'], ['eve', 'editor'], ['vic', 'viewer']] as const) {
    ids[name] = await created('/api/v1/users', { name, role, feishuOpenId: `ou_${name}` });
  }
  const live = await created('/api/v1/alertmanager-clusters', { name: 'main-am', instances: [am.address] });
  const dead = await created('/api/v1/alertmanager-clusters', { name: 'dead-am', instances: [`127.0.0.1:${await freePort()}`] });
  ids.group = await created('/api/v1/send-groups', { name: 'infra', alertmanagerClusterId: live, feishuChatId: CHAT });
  ids.deadGroup = await created('/api/v1/send-groups', { name: 'dead', alertmanagerClusterId: dead, feishuChatId: DEAD_CHAT });

  let n = 0;
  return {
    feishu,
    am,
    t,
    ids,
    caller: new FeishuCaller(t.url, { appId: CHATOPS_APP.appId, ...CHATOPS_KEYS }),
    firingEvent: async (alertname, labels, deadAm = false) => {
      const chat = deadAm ? DEAD_CHAT : CHAT;
      const now = new Date();
      const [id] = await t.app.db('alert_events').insert({
        fingerprint: `${alertname}-${++n}`,
        starts_at: now,
        alertname,
        send_group_id: deadAm ? ids.deadGroup : ids.group,
        status: 'firing',
        severity: 'critical',
        labels: JSON.stringify({ alertname, ...labels }),
        first_seen_at: now,
        last_seen_at: now,
        escalation_id: `esc-${alertname}-${n}`,
      });
      const sent = await sender.sendToChat(chat, textCard({ title: alertname, markdown: 'firing' }), `ev-${id}`);
      await t.app.db('alert_event_messages').insert({ event_id: id, channel: 'group', receive_id: chat, message_id: sent!.messageId });
      return { id: Number(id), messageId: sent!.messageId };
    },
    silences: async () => (await fetch(`http://${am.address}/api/v2/silences`)).json() as Promise<AmSilence[]>,
    close: async () => {
      await t.close();
      await am.stop();
      await feishu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
