import type { Processor } from '../processor';
import type { WorkerContext } from '../context';
import { probePrometheusProcessor } from './probe-prometheus';
import { publishPoolProcessor } from './publish-pool';
import { publishClusterProcessor } from './publish-cluster';
import { probeAlertmanagerProcessor } from './probe-alertmanager';
import { oncallHandoffProcessor } from './oncall-handoff';

/** Every job processor, one per file; the worker bootstrap registers them all. */
export const processors: Processor<WorkerContext>[] = [
  publishPoolProcessor,
  probePrometheusProcessor,
  publishClusterProcessor,
  probeAlertmanagerProcessor,
  oncallHandoffProcessor,
];
