/**
 * `npm run demo`: promduty with a demo world, real Prometheus and Alertmanager on loopback,
 * and the Feishu sandbox page, in one command. Ctrl-C stops everything.
 *
 * Environment: DEMO_PORT (promduty's port, default 8080), DEMO_MYSQL_URL (server URL without a
 * database, default mysql://root@127.0.0.1:3306), REDIS_URL, LOG_LEVEL (promduty's, default warn).
 */
import { INSTALL_HINT } from './demo/processes';
import { startDemo, type Demo } from './demo/start';
import { DEMO } from './demo/world';

function banner(demo: Demo): string {
  const u = demo.urls;
  const lines = [
    '',
    'promduty demo is running',
    '',
    `  Feishu sandbox   ${u.sandbox}`,
    `  promduty API     ${u.promduty}/api/v1  (Authorization: Bearer ${demo.apiToken})`,
    `  Feishu Open API  ${u.feishuApi}  (the sandbox the SDK talks to)`,
    ...u.prometheus.map((p, i) => `  Prometheus ${i + 1}     ${p}  (collector, shard ${i + 1} of 2)`),
    ...(u.victoriaMetrics ? [`  VictoriaMetrics  ${u.victoriaMetrics}  (central store)`] : []),
    ...(u.vmalert ? [`  vmalert          ${u.vmalert}  (evaluates the rules against the store)`] : []),
    ...(u.alertmanager ? [`  Alertmanager     ${u.alertmanager}`] : []),
    ...(u.nodeExporter ? [`  node exporter    ${u.nodeExporter}`] : []),
    '',
    `Open the sandbox: the ${DEMO.firingRule} and ${DEMO.aggregateRule} (counts both shards) alert cards appear in the "${DEMO.sendGroup}" chat within a minute.`,
    'Act as Alice (admin) or Bob (editor): Claim, Silence, Unsilence; type /help, /alerts, /oncall or /roster.',
  ];
  if (demo.missing.length) {
    lines.push('', `Not installed: ${demo.missing.join(', ')}; no alert will fire without Prometheus, VictoriaMetrics (vmalert) and Alertmanager.`, `Install them: ${INSTALL_HINT}`);
  }
  lines.push('', 'Ctrl-C stops everything.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  console.log('promduty demo: resetting the promduty_demo database, starting Prometheus, VictoriaMetrics, vmalert, Alertmanager and promduty…');
  const demo = await startDemo({
    port: process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : undefined,
    mysqlUrl: process.env.DEMO_MYSQL_URL,
    redisUrl: process.env.REDIS_URL,
    logLevel: process.env.LOG_LEVEL,
  });
  console.log(banner(demo));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping promduty and the processes it manages…`);
    demo.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('stopping failed:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`promduty demo failed: ${e instanceof Error ? e.message : String(e)}`);
  if (/ECONNREFUSED.*3306|ER_ACCESS_DENIED/.test(String(e))) console.error('It needs MariaDB/MySQL on 127.0.0.1:3306 (root, no password) and Redis on 127.0.0.1:6379.');
  process.exit(1);
});
