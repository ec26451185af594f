import type { EscalationStep } from '../../events/jobs';
import { REMIND } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** A level is near: remind the event's current owners, unless someone acknowledged it. */
export const escalationReminderProcessor: Processor<Pick<WorkerContext, 'alerts'>, EscalationStep> = {
  queue: 'escalation',
  name: REMIND,
  handle: (job, ctx) => ctx.alerts.reminders.remind(job.data),
};
