import type { Job } from 'bullmq';
import type { QueueName } from './names';

/**
 * One job processor per file: which queue and job name it takes, and the handler. `Ctx` is
 * whatever the wiring passes in (services, clients); processors stay thin and call the domain.
 */
export interface Processor<Ctx, Data = any, Result = unknown> {
  queue: QueueName;
  name: string;
  /** `token` is the worker's lock token, for `job.moveToDelayed(ts, token)`. */
  handle(job: Job<Data>, ctx: Ctx, token?: string): Promise<Result>;
}

/** Work a queue's worker does besides its default concurrency of 1. */
export interface QueueTuning {
  concurrency?: number;
  limiter?: { max: number; duration: number };
}
