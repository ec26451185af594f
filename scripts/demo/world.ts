/**
 * The demo world, created through promduty's public REST API as an operator would: people
 * with Feishu open_ids, an on-call rotation, an Alertmanager cluster, a send group posting to
 * a sandbox chat, a service tree with hosts, two sharded Prometheus collectors writing to VictoriaMetrics, a vmalert evaluator, scrape jobs,
 * and rules, one of which fires at once.
 */

export type Api = (method: string, path: string, body?: unknown) => Promise<any>;

/** A JSON client for promduty's admin API that throws with promduty's own error message. */
export function apiClient(baseUrl: string, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${json?.error?.message ?? text}`);
    return json;
  };
}

export const DEMO = {
  pool: 'demo',
  rulesPool: 'demo-rules',
  aggregateRule: 'DemoFleetScraped',
  cluster: 'demo-am',
  sendGroup: 'ops',
  oncallGroup: 'sre',
  chatId: 'oc_demo_ops',
  firingRule: 'DemoHeartbeat',
  people: [
    { name: 'Alice Chen', feishuOpenId: 'ou_demo_alice', feishuUserId: 'alice', email: 'alice@example.com', role: 'admin' },
    { name: 'Bob Li', feishuOpenId: 'ou_demo_bob', feishuUserId: 'bob', email: 'bob@example.com', role: 'editor' },
    { name: 'Carol Wang', feishuOpenId: 'ou_demo_carol', feishuUserId: 'carol', email: 'carol@example.com', role: 'editor' },
    { name: 'Dave Zhou', feishuOpenId: 'ou_demo_dave', feishuUserId: 'dave', email: 'dave@example.com', role: 'viewer' },
  ],
} as const;

export interface WorldAddresses {
  prometheus: [string, string];
  alertmanager: string;
  nodeExporterPort: number;
  victoriaMetrics: string;
  vmalert: string;
}

export interface DemoWorld {
  userIds: Record<string, number>;
  oncallGroupId: number;
  clusterId: number;
  sendGroupId: number;
  poolId: number;
  rulesPoolId: number;
  webNodeId: number;
}

/**
 * The rotation began three weeks ago (so /roster shows a filled month) in a whole number of
 * cycles, so that today, wherever the demo runs, the first member (Alice) is on call.
 */
function rotationStart(timezone: string, members: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date());
  const start = new Date(`${today}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - 7 * members);
  return start.toISOString().slice(0, 10);
}

export async function createWorld(api: Api, at: WorldAddresses, timezone: string): Promise<DemoWorld> {
  const users = (await api('POST', '/api/v1/users/batch', { items: DEMO.people })).items as Array<{ id: number; name: string }>;
  const userIds = Object.fromEntries(users.map((u) => [u.name, u.id]));
  const [alice, bob, carol] = users.map((u) => u.id);

  const oncall = await api('POST', '/api/v1/oncall-groups', {
    name: DEMO.oncallGroup,
    members: [alice, bob, carol],
    shiftDays: 1,
    startDate: rotationStart(timezone, 3),
    // Shifts change at midnight: whatever the hour, today's person is the one on call.
    handoffTime: '00:00',
    feishuChatId: DEMO.chatId,
  });
  // Short Alertmanager timings: a newcomer should not wait the production 30 s group_wait.
  const cluster = await api('POST', '/api/v1/alertmanager-clusters', {
    name: DEMO.cluster,
    instances: [at.alertmanager],
    groupWait: '1s',
    groupInterval: '10s',
    repeatInterval: '1h',
  });
  const sendGroup = await api('POST', '/api/v1/send-groups', {
    name: DEMO.sendGroup,
    alertmanagerClusterId: cluster.id,
    oncallGroupId: oncall.id,
    feishuChatId: DEMO.chatId,
    notifyOncallPrivate: true,
    sendResolved: true,
    isDefault: true,
    escalation: { enabled: true, levels: [{ afterMinutes: 5, userIds: [carol] }] },
  });

  const root = await api('POST', '/api/v1/tree/nodes', { name: 'shop' });
  const web = await api('POST', '/api/v1/tree/nodes', { name: 'web', parentId: root.id });
  const db = await api('POST', '/api/v1/tree/nodes', { name: 'db', parentId: root.id });
  await api('POST', '/api/v1/hosts/batch', {
    items: [
      { hostname: 'web-1', ip: '127.0.0.1', labels: { env: 'demo', rack: 'a1' }, nodeIds: [web.id] },
      // Nothing listens on 127.0.0.2: a target that is down, as real fleets have.
      { hostname: 'db-1', ip: '127.0.0.2', labels: { env: 'demo', rack: 'b2' }, nodeIds: [db.id] },
    ],
  });

  // Issue 14's topology: two collectors shard the scrape and write everything to
  // VictoriaMetrics; vmalert evaluates the rules against it, so every rule sees every target.
  const pool = await api('POST', '/api/v1/pools', {
    name: DEMO.pool,
    role: 'scrape',
    instances: at.prometheus,
    scrapeInterval: '5s',
    scrapeTimeout: '4s',
    externalLabels: { env: 'demo' },
    remoteWrite: [{ url: `http://${at.victoriaMetrics}/api/v1/write`, name: 'victoria-metrics' }],
  });
  const rulesPool = await api('POST', '/api/v1/pools', {
    name: DEMO.rulesPool,
    role: 'evaluate',
    ruleEngine: 'vmalert',
    instances: [at.vmalert],
    evaluationInterval: '5s',
    externalLabels: { env: 'demo' },
    datasourceUrl: `http://${at.victoriaMetrics}`,
    alertmanagerClusterId: cluster.id,
  });
  await api('POST', '/api/v1/scrape-jobs', { poolId: pool.id, name: 'node', port: at.nodeExporterPort, discovery: { kind: 'http_sd', nodeIds: [web.id, db.id] } });
  await api('POST', '/api/v1/scrape-jobs', { poolId: pool.id, name: 'prometheus', discovery: { kind: 'static', targets: at.prometheus } });
  return { userIds, oncallGroupId: oncall.id, clusterId: cluster.id, sendGroupId: sendGroup.id, poolId: pool.id, rulesPoolId: rulesPool.id, webNodeId: web.id };
}

/** The command line promduty says the demo's vmalert must run with. */
export async function vmalertFlags(api: Api, w: DemoWorld): Promise<string[]> {
  return (await api('GET', `/api/v1/pools/${w.rulesPoolId}/topology`)).evaluators[0].vmalertFlags;
}

/**
 * The rules, all evaluated by vmalert against VictoriaMetrics. DemoHeartbeat fires within
 * seconds (its `for: 10s` lets a newcomer see it appear); DemoFleetScraped aggregates over
 * both collectors' shards (4 targets: 2 node exporters, one of them down, and the 2 collectors).
 */
export async function createRules(api: Api, w: DemoWorld): Promise<{ firingRuleId: number }> {
  const firing = await api('POST', '/api/v1/alert-rules', {
    poolId: w.rulesPoolId,
    sendGroupId: w.sendGroupId,
    treeNodeId: w.webNodeId,
    name: DEMO.firingRule,
    expr: 'vector(1) > 0',
    for: '10s',
    severity: 'warning',
    annotations: {
      summary: 'promduty demo: this alert always fires',
      description: 'It is here so you can try the buttons: Claim it, Silence it, then Unsilence it.',
    },
  });
  await api('POST', '/api/v1/alert-rules', {
    poolId: w.rulesPoolId,
    sendGroupId: w.sendGroupId,
    treeNodeId: w.webNodeId,
    name: DEMO.aggregateRule,
    expr: 'count(up) >= 4',
    severity: 'info',
    annotations: {
      summary: 'VictoriaMetrics holds {{ $value }} targets from both collectors',
      description: 'Each collector scrapes half of the targets; this rule counts them all because vmalert reads the central store.',
    },
  });
  await api('POST', '/api/v1/alert-rules', {
    poolId: w.rulesPoolId,
    sendGroupId: w.sendGroupId,
    treeNodeId: w.webNodeId,
    name: 'HighLoad',
    expr: 'node_load1 > 64',
    for: '5m',
    severity: 'critical',
    annotations: { summary: '{{ $labels.instance }} load is {{ $value }}' },
  });
  await api('POST', '/api/v1/record-rules', {
    poolId: w.rulesPoolId,
    record: 'instance:node_cpu_busy:rate1m',
    expr: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))',
  });
  return { firingRuleId: firing.id };
}

/** True once every Prometheus, vmalert and Alertmanager instance took its published files (reload succeeded). */
export async function worldPublished(api: Api, w: DemoWorld): Promise<boolean> {
  const [pool, rulesPool, cluster] = await Promise.all([
    api('GET', `/api/v1/pools/${w.poolId}`),
    api('GET', `/api/v1/pools/${w.rulesPoolId}`),
    api('GET', `/api/v1/alertmanager-clusters/${w.clusterId}`),
  ]);
  const instances = [...pool.instances, ...rulesPool.instances, ...cluster.instances] as Array<{ publish: Array<{ reloadOk: boolean }> }>;
  return instances.every((i) => i.publish.length > 0 && i.publish.every((p) => p.reloadOk));
}
