import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import type { CardSender } from '../core/ports';
import { bullRemedyJobs } from '../queue/remedy-jobs';
import type { Queues } from '../queue/queues';
import { ActionService } from '../remedy/actions';
import { RemedyRunner } from '../remedy/runner';

/** Remediation actions: the CRUD service and the runner, its runs scheduled on the `remedy` queue. */
export function remedyServices(o: { db: Knex; clock: Clock; logger: Logger; sender: CardSender; queues: Queues; retryMs: number; minuteMs: number; locale: Locale }) {
  const actions = new ActionService(o.db);
  const runner = new RemedyRunner({ ...o, actions, jobs: bullRemedyJobs(o.queues) });
  return { actions, runner };
}
