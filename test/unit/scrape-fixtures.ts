import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { toYaml, type YamlMap } from '../../src/core/yaml';
import type { InstanceSpec, JobSpec, PoolSpec, RenderContext, RenderedFile } from '../../src/scrape/model';
import { requireBinary } from '../support/processes';

/** A representative pool: two instances, every discovery kind, remote write/read, user relabels. */

export const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIUAKH2zStOchXLZruegIPL548i2qgwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLazhzLXRlc3QtY2EwIBcNMjYxMTIyMDIxNzMyWhgPMjEyNjEw
MjkwMjE3MzJaMBYxFDASBgNVBAMMC2s4cy10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEqckj63J2lnynq0aNkFFGNmX/3Hm7QgDzkOA4qrpHX2heU74q
YAH2qdFGJaDGY7himzjt7mr3shVOIu9xsnzIH6NTMFEwHQYDVR0OBBYEFK31xV3z
CHmflmdUQCiUYM5PgYXvMB8GA1UdIwQYMBaAFK31xV3zCHmflmdUQCiUYM5PgYXv
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgV+s9QAUsiaZhGUmX
7DOTcV6vZTdzUVE6JQijftW4bTACIQCkKWnzXascZiEjbgmQFrUx92Ygv0CsDe3w
Fs4mhC9wDQ==
-----END CERTIFICATE-----`;

export const pool: PoolSpec = {
  id: 1,
  name: 'core-prod',
  scrapeInterval: '30s',
  scrapeTimeout: '10s',
  evaluationInterval: '1m',
  // Values that need quoting in YAML 1.1: a colon, a bool-like word, non-ASCII, a number.
  externalLabels: { team: 'SRE: 平台', region: 'cn-north-1', on_call: 'yes', dc: '01' },
  remoteWrite: [
    { url: 'https://vm.example.com/api/v1/write', name: 'vm', headers: { 'X-Scope-OrgID': 'core', 'X-Env': 'prod' }, bearerToken: 'rw-secret' },
    { url: 'http://10.9.0.1:8480/insert/0/prometheus/api/v1/write' },
  ],
  remoteRead: [{ url: 'https://vm.example.com/api/v1/read', name: 'vm-read', bearerToken: 'rr-secret' }],
  sharding: 'hashmod',
  alertRulesEnabled: true,
  recordRulesEnabled: true,
};

// Deliberately out of id order: shards follow ids, not input order.
export const instances: InstanceSpec[] = [
  { id: 2, address: '10.0.0.12:9090', healthy: true },
  { id: 1, address: '10.0.0.11:9090', healthy: true },
];

const job = (over: Partial<JobSpec> & Pick<JobSpec, 'id' | 'name' | 'discovery'>): JobSpec => ({
  enabled: true,
  metricsPath: '/metrics',
  scheme: 'http',
  port: null,
  scrapeInterval: null,
  scrapeTimeout: null,
  honorLabels: false,
  relabelConfigs: null,
  ...over,
});

export const jobs: JobSpec[] = [
  job({ id: 15, name: 'disabled', enabled: false, discovery: { kind: 'static', targets: ['10.1.0.9:9100'] } }),
  job({
    id: 10,
    name: 'node',
    discovery: { kind: 'http_sd', nodeIds: [3, 4] },
    relabelConfigs: `
- source_labels: [tree_path]
  regex: '/corp/(\\w+)/.*'
  target_label: business
- regex: tree_node
  action: LabelDrop
`,
  }),
  job({
    id: 11,
    name: 'static-exporters',
    scheme: 'https',
    scrapeInterval: '1m',
    scrapeTimeout: '20s',
    discovery: { kind: 'static', targets: ['10.1.0.5:9100', 'db-1.example.com:9104', '[fd00::5]:9100'], labels: { role: 'db', 'tier': 'backend' } },
  }),
  job({
    id: 12,
    name: 'k8s-pods',
    port: 8080,
    metricsPath: '/actuator/prometheus',
    discovery: { kind: 'kubernetes_sd', role: 'pod', inCluster: true, namespaces: ['monitoring', 'default'] },
    relabelConfigs: `
- source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
  regex: "true"
  action: keep
- regex: __meta_kubernetes_pod_label_(.+)
  action: labelmap
`,
  }),
  job({
    id: 13,
    name: 'k8s-nodes-remote',
    honorLabels: true,
    scheme: 'https',
    discovery: { kind: 'kubernetes_sd', role: 'node', inCluster: false, apiServer: 'https://k8s.example.com:6443', caCert: CA_PEM, bearerToken: 'k8s-token\n' },
  }),
  job({
    id: 14,
    name: 'k8s-endpoints-lab',
    discovery: { kind: 'kubernetes_sd', role: 'endpoints', inCluster: false, apiServer: 'https://10.2.0.1:6443', bearerToken: 'lab-token', insecureSkipVerify: true },
  }),
];

export const ctx: RenderContext = {
  publicUrl: 'https://promduty.example.com/',
  sdToken: 'sd-token',
  alertmanagers: ['10.0.1.2:9093', '10.0.1.1:9093'],
  ruleFiles: ['rules.yml', 'records.yml'],
};

export const fileOf = (files: RenderedFile[], path: string): string => {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `no rendered file ${path}`);
  return f.content;
};

export interface CheckResult {
  status: number | null;
  output: string;
  /** The installed promtool lacks kubernetes_sd, so those blocks were checked as http_sd (see below). */
  k8sSubstituted: boolean;
}

function promtool(dir: string): { status: number | null; output: string } {
  requireBinary('promtool');
  const r = spawnSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function inScratchDir<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'promduty-scrape-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let k8sSupported: boolean | undefined;
/** Debian's prometheus package is built without kubernetes (and consul) service discovery. */
function promtoolHasKubernetesSd(): boolean {
  k8sSupported ??= inScratchDir({ 'prometheus.yml': 'scrape_configs:\n  - job_name: probe\n    kubernetes_sd_configs: [{role: pod}]\n' }, promtool).status === 0;
  return k8sSupported;
}

/**
 * Without kubernetes_sd in promtool, each kubernetes_sd_configs entry is checked as an
 * http_sd_configs entry, and its HTTP client settings (authorization, tls_config) move up to
 * the job, where promtool checks them and that a credentials_file exists beside the config.
 * role/namespaces go unchecked; promtool (2.42) never checks that a ca_file exists, so the
 * render test checks every referenced file itself.
 */
function kubernetesAsHttpSd(config: string): string {
  const doc = yaml.load(config) as { scrape_configs?: Record<string, unknown>[] };
  for (const job of doc.scrape_configs ?? []) {
    const k8s = job.kubernetes_sd_configs as Record<string, YamlMap | string | undefined>[] | undefined;
    if (!k8s) continue;
    delete job.kubernetes_sd_configs;
    job.http_sd_configs = k8s.map((k) => ({ url: k.api_server ?? 'https://kubernetes.default.svc' }));
    job.authorization = k8s[0]?.authorization;
    job.tls_config = k8s[0]?.tls_config;
  }
  return toYaml(doc as YamlMap);
}

/**
 * `promtool check config` on the rendered files, in a scratch dir that also holds the rule
 * files the config names (as empty, valid rule files).
 */
export function promtoolCheckConfig(files: RenderedFile[], ruleFiles: string[] = ctx.ruleFiles): CheckResult {
  const substitute = !promtoolHasKubernetesSd() && files.some((f) => f.content.includes('kubernetes_sd_configs:'));
  const scratch: Record<string, string> = Object.fromEntries(ruleFiles.map((name) => [name, 'groups: []\n']));
  for (const f of files) scratch[f.path] = substitute && f.path === 'prometheus.yml' ? kubernetesAsHttpSd(f.content) : f.content;
  return { ...inScratchDir(scratch, promtool), k8sSubstituted: substitute };
}
