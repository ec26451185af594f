import { z } from 'zod';
import { duration, entityName, hostPort, httpUrl, labelSet, parseDuration, port } from '../core/names';
import { KUBERNETES_ROLES } from './model';
import { RELABEL_MAX_LENGTH } from './relabel';

export const MAX_STATIC_TARGETS = 10_000;
const BEGIN = '-----BEGIN CERTIFICATE-----';
// indexOf, not /BEGIN[\s\S]+END/: that regex backtracks quadratically over repeated BEGIN lines (6 s for 450 KB).
function isPemCertificate(s: string): boolean {
  const begin = s.indexOf(BEGIN);
  return begin >= 0 && s.indexOf('-----END CERTIFICATE-----', begin + BEGIN.length + 1) >= 0;
}

const discovery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http_sd'), nodeIds: z.array(z.number().int().positive()).min(1, 'must name at least one tree node') }).strict(),
  z
    .object({
      kind: z.literal('static'),
      // 50,000 targets (a 1 MB body) took 46 ms to validate; more than this belong in the service tree (http_sd).
      targets: z.array(hostPort).min(1, 'must list at least one host:port target').max(MAX_STATIC_TARGETS, `at most ${MAX_STATIC_TARGETS} targets; put more hosts in the service tree and use http_sd`),
      labels: labelSet.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kubernetes_sd'),
      role: z.enum(KUBERNETES_ROLES),
      inCluster: z.boolean(),
      apiServer: httpUrl.optional(),
      caCert: z.string().max(65_536, 'must be at most 65536 characters').refine(isPemCertificate, 'must be a PEM certificate').optional(),
      bearerToken: z.string().min(1).optional(),
      insecureSkipVerify: z.boolean().optional(),
      namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')).optional(),
    })
    .strict()
    .superRefine((k, ctx) => {
      if (k.inCluster) return;
      if (!k.apiServer) ctx.addIssue({ code: 'custom', path: ['apiServer'], message: 'is required out of cluster' });
      if (!k.bearerToken) ctx.addIssue({ code: 'custom', path: ['bearerToken'], message: 'is required out of cluster' });
      if (!k.caCert && !k.insecureSkipVerify)
        ctx.addIssue({ code: 'custom', path: ['caCert'], message: 'is required out of cluster (or set insecureSkipVerify)' });
    }),
]);

const jobFields = {
  poolId: z.number().int().positive(),
  name: entityName,
  enabled: z.boolean(),
  metricsPath: z.string().regex(/^\/[\x21-\x7e]*$/, 'must be a path starting with /'),
  scheme: z.enum(['http', 'https']),
  port: port.nullable(),
  scrapeInterval: duration.nullable(),
  scrapeTimeout: duration.nullable(),
  honorLabels: z.boolean(),
  discovery,
  relabelConfigs: z.string().max(RELABEL_MAX_LENGTH, `must be at most ${RELABEL_MAX_LENGTH} characters`).nullable(),
};

export const jobCreateSchema = z
  .object({
    ...jobFields,
    enabled: jobFields.enabled.default(true),
    metricsPath: jobFields.metricsPath.default('/metrics'),
    scheme: jobFields.scheme.default('http'),
    port: jobFields.port.default(null),
    scrapeInterval: jobFields.scrapeInterval.default(null),
    scrapeTimeout: jobFields.scrapeTimeout.default(null),
    honorLabels: jobFields.honorLabels.default(false),
    relabelConfigs: jobFields.relabelConfigs.default(null),
  })
  .strict();
export const jobUpdateSchema = z.object(jobFields).partial().strict();
export type JobInput = z.output<typeof jobCreateSchema>;

/** The effective interval/timeout (job's own or the pool's) must keep timeout ≤ interval. */
export function timeoutProblem(job: Pick<JobInput, 'scrapeInterval' | 'scrapeTimeout'>, pool: { scrapeInterval: string; scrapeTimeout: string }) {
  const interval = job.scrapeInterval ?? pool.scrapeInterval;
  const timeout = job.scrapeTimeout ?? pool.scrapeTimeout;
  const i = parseDuration(interval);
  const t = parseDuration(timeout);
  return i !== null && t !== null && t > i ? `timeout ${timeout} is longer than the interval ${interval}` : null;
}
