import { z } from 'zod';
import { entityName, hostPort, httpUrl } from '../core/names';
import { groupByList, positiveDuration, zeroOrPositiveDuration } from './validate';

const clusterFields = {
  name: entityName,
  /** `host:port` of each Alertmanager, unique across clusters. */
  instances: z.array(hostPort).max(16, 'at most 16 instances'),
  resolveTimeout: positiveDuration,
  groupBy: groupByList,
  groupWait: zeroOrPositiveDuration,
  groupInterval: positiveDuration,
  repeatInterval: positiveDuration,
  /** Alertmanager as people reach it (links on alert group cards); not written into any config. */
  externalUrl: httpUrl.nullable(),
};

function noRepeats(c: { instances?: string[] }, ctx: z.RefinementCtx): void {
  c.instances?.forEach((a, i) => {
    if (c.instances!.indexOf(a) !== i) ctx.addIssue({ code: 'custom', path: ['instances', i], message: `${a} is listed twice` });
  });
}

/** Defaults are Alertmanager's own, except group_by: by alert name rather than one big group. */
export const clusterCreateSchema = z
  .object({
    ...clusterFields,
    instances: clusterFields.instances.default([]),
    resolveTimeout: clusterFields.resolveTimeout.default('5m'),
    groupBy: clusterFields.groupBy.default(['alertname']),
    groupWait: clusterFields.groupWait.default('30s'),
    groupInterval: clusterFields.groupInterval.default('5m'),
    repeatInterval: clusterFields.repeatInterval.default('4h'),
    externalUrl: clusterFields.externalUrl.default(null),
  })
  .strict()
  .superRefine(noRepeats);

export const clusterUpdateSchema = z.object(clusterFields).partial().strict();
export type ClusterInput = z.output<typeof clusterCreateSchema>;
