import type { Processor } from '../processor';
import type { WorkerContext } from '../context';

/** Every job processor, one per file; the worker bootstrap registers them all. */
export const processors: Processor<WorkerContext>[] = [];
