import { z } from 'zod';
import { boundedRecord, duration, entityName, hostPort, httpUrl, labelSet, parseDuration } from '../core/names';
import { POOL_ROLES, RULE_ENGINES, topologyProblems } from './topology';

const remoteEndpoint = z
  .object({
    url: httpUrl,
    name: z.string().trim().min(1).max(64).optional(),
    headers: boundedRecord(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), z.string().max(4096, 'must be at most 4096 characters'), 64, 'headers').optional(),
    bearerToken: z.string().min(1).optional(),
  })
  .strict();

/** remote_read adds two switches an evaluator needs (see topology.ts); unset, they render as evaluators need them. */
const remoteReadEndpoint = remoteEndpoint.extend({ readRecent: z.boolean().optional(), filterExternalLabels: z.boolean().optional() }).strict();

/**
 * Where the pool's Prometheus instances write their query log (`global.query_log_file`), on
 * their own hosts. Absolute: Prometheus resolves a relative path against the config file's
 * directory, which promduty rewrites (and clears of files it did not write) on every publish.
 */
const queryLogFile = z
  .string()
  .max(1024, 'must be at most 1024 characters')
  .regex(/^\/[^\x00-\x1f\x7f]*[^/\x00-\x1f\x7f]$/, 'must be an absolute file path (like /var/log/prometheus/query.log), without control characters')
  .nullable();

const poolFields = {
  name: entityName,
  instances: z.array(hostPort).max(64, 'at most 64 instances'),
  externalLabels: labelSet,
  scrapeInterval: duration,
  scrapeTimeout: duration,
  evaluationInterval: duration,
  remoteWrite: z.array(remoteEndpoint).max(16, 'at most 16 remote_write endpoints'),
  remoteRead: z.array(remoteReadEndpoint).max(16, 'at most 16 remote_read endpoints'),
  alertmanagerClusterId: z.number().int().positive().nullable(),
  alertRulesEnabled: z.boolean(),
  recordRulesEnabled: z.boolean(),
  sharding: z.enum(['hashmod', 'consistent']),
  queryLogFile,
  role: z.enum(POOL_ROLES),
  ruleEngine: z.enum(RULE_ENGINES),
  ruleReplicas: z.union([z.literal(1), z.literal(2)], { message: 'must be 1 or 2' }),
  datasourceUrl: httpUrl.nullable(),
  /** Prometheus as people reach it (the graph link on alert group cards); not written into any config. */
  externalUrl: httpUrl.nullable(),
};

/** Problems no single field shows: duplicates inside the lists, timeout beyond interval. */
function crossChecks(p: Partial<PoolInput>, ctx: z.RefinementCtx): void {
  p.instances?.forEach((a, i) => {
    if (p.instances!.indexOf(a) !== i) ctx.addIssue({ code: 'custom', path: ['instances', i], message: `${a} is listed twice` });
  });
  for (const key of ['remoteWrite', 'remoteRead'] as const) {
    const names = (p[key] ?? []).map((e) => e.name).filter(Boolean);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `name ${n} is used twice` });
    });
  }
  if (p.externalLabels) for (const k of Object.keys(p.externalLabels)) if (k.startsWith('__')) ctx.addIssue({ code: 'custom', path: ['externalLabels', k], message: 'names starting with __ are reserved' });
  const interval = p.scrapeInterval && parseDuration(p.scrapeInterval);
  const timeout = p.scrapeTimeout && parseDuration(p.scrapeTimeout);
  if (interval && timeout && timeout > interval)
    ctx.addIssue({ code: 'custom', path: ['scrapeTimeout'], message: `${p.scrapeTimeout} is longer than scrapeInterval ${p.scrapeInterval}` });
  if (p.role && p.ruleEngine && p.ruleReplicas && p.instances && p.remoteRead && p.datasourceUrl !== undefined)
    for (const problem of topologyProblems(p as PoolInput)) ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
}

export const poolCreateSchema = z
  .object({
    ...poolFields,
    instances: poolFields.instances.default([]),
    externalLabels: poolFields.externalLabels.default({}),
    scrapeInterval: poolFields.scrapeInterval.default('30s'),
    scrapeTimeout: poolFields.scrapeTimeout.default('10s'),
    evaluationInterval: poolFields.evaluationInterval.default('30s'),
    remoteWrite: poolFields.remoteWrite.default([]),
    remoteRead: poolFields.remoteRead.default([]),
    alertmanagerClusterId: poolFields.alertmanagerClusterId.default(null),
    alertRulesEnabled: poolFields.alertRulesEnabled.default(true),
    recordRulesEnabled: poolFields.recordRulesEnabled.default(true),
    sharding: poolFields.sharding.default('hashmod'),
    queryLogFile: poolFields.queryLogFile.default(null),
    role: poolFields.role.default('both'),
    ruleEngine: poolFields.ruleEngine.default('prometheus'),
    ruleReplicas: poolFields.ruleReplicas.default(1),
    datasourceUrl: poolFields.datasourceUrl.default(null),
    externalUrl: poolFields.externalUrl.default(null),
  })
  .strict()
  .superRefine(crossChecks);

export const poolUpdateSchema = z.object(poolFields).partial().strict();
export type PoolInput = z.output<typeof poolCreateSchema>;
export type PoolPatch = z.output<typeof poolUpdateSchema>;
