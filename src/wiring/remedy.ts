import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import type { CardSender } from '../core/ports';
import { bullRemedyJobs } from '../queue/remedy-jobs';
import type { Queues } from '../queue/queues';
import { ActionService } from '../remedy/actions';
import { RemedyRunner } from '../remedy/runner';
import { RemedySweep } from '../remedy/sweep';

/** Remediation actions: the CRUD service, the runner (its runs scheduled on the `remedy` queue) and the sweep for lost runs. */
export function remedyServices(o: { db: Knex; clock: Clock; logger: Logger; sender: CardSender; queues: Queues; retryMs: number; minuteMs: number; locale: Locale }) {
  const actions = new ActionService(o.db);
  const jobs = bullRemedyJobs(o.queues);
  const runner = new RemedyRunner({ ...o, actions, jobs });
  return { actions, runner, sweep: new RemedySweep({ ...o, actions, jobs }) };
}
