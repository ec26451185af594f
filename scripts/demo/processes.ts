import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { instanceDirName } from '../../src/publish/render-pool';
import { startAlertmanager, startPrometheus, startVictoriaMetrics, startVmalert, waitFor, writeFileDeep, type RunningProcess } from '../../test/support/processes';

/**
 * The real Prometheus (the collectors), VictoriaMetrics (the central store), vmalert (the
 * evaluator), Alertmanager and node exporter the demo runs on loopback (Debian packages).
 * Prometheus and Alertmanager start on a bootstrap config written where promduty publishes
 * its own, so the first publish replaces it and reloads the process; vmalert starts with the
 * flags promduty shows for it and reads the rule files promduty publishes.
 */

export const BINARIES = {
  prometheus: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  nodeExporter: 'prometheus-node-exporter',
  victoriaMetrics: 'victoria-metrics',
  vmalert: 'vmalert',
} as const;
export type Binary = keyof typeof BINARIES;

export const INSTALL_HINT = 'sudo apt-get install -y prometheus prometheus-alertmanager prometheus-node-exporter victoria-metrics';

const onPath = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

/** Which of the binaries are installed. */
export function installed(): Record<Binary, boolean> {
  return Object.fromEntries(Object.entries(BINARIES).map(([k, bin]) => [k, onPath(bin)])) as Record<Binary, boolean>;
}

export { startVictoriaMetrics, startVmalert };

const PROMETHEUS_BOOTSTRAP = 'global:\n  scrape_interval: 5s\nscrape_configs: []\n';
const ALERTMANAGER_BOOTSTRAP = "route:\n  receiver: bootstrap\nreceivers:\n  - name: bootstrap\n";

/** Where promduty publishes an instance's files (see publish-pool.ts and publish-cluster.ts). */
export const prometheusDir = (configDir: string, pool: string, address: string): string =>
  join(configDir, instanceDirName(pool), instanceDirName(address));
export const alertmanagerDir = (configDir: string, cluster: string, address: string): string =>
  join(configDir, 'alertmanager', instanceDirName(cluster), instanceDirName(address));

export async function startDemoPrometheus(configDir: string, pool: string, port: number): Promise<RunningProcess> {
  const file = join(prometheusDir(configDir, pool, `127.0.0.1:${port}`), 'prometheus.yml');
  await writeFileDeep(file, PROMETHEUS_BOOTSTRAP);
  return startPrometheus(file, port);
}

export async function startDemoAlertmanager(configDir: string, cluster: string, port: number): Promise<RunningProcess> {
  const file = join(alertmanagerDir(configDir, cluster, `127.0.0.1:${port}`), 'alertmanager.yml');
  await writeFileDeep(file, ALERTMANAGER_BOOTSTRAP);
  return startAlertmanager(file, port);
}

/** The node exporter on one loopback address, with only cheap collectors (no systemd, no hwmon scans). */
export async function startNodeExporter(port: number): Promise<RunningProcess> {
  const address = `127.0.0.1:${port}`;
  const child = spawn(BINARIES.nodeExporter, [`--web.listen-address=${address}`, '--log.level=warn', '--collector.disable-defaults',
    '--collector.cpu', '--collector.loadavg', '--collector.meminfo', '--collector.filesystem', '--collector.uname', '--collector.time'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (c) => (log += String(c)));
  child.stderr.on('data', (c) => (log += String(c)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await waitFor(`node exporter on ${address}`, async () => {
      if (child.exitCode !== null) throw new Error(`node exporter exited: ${log.slice(-2000)}`);
      return (await fetch(`http://${address}/metrics`)).ok;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, port, child, log: () => log, stop };
}
