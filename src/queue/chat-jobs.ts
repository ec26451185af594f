import type { InboundMessage } from '../chat/types';
import type { Db } from '../db/knex';
import type { EventChange } from '../events/actions';
import type { AlertJobs } from '../events/jobs';
import { messagesOfEvents } from '../events/outbox';
import type { Queues } from './queues';

export const CHAT_COMMAND = 'chat-command';
export const EVENT_NOTICE = 'event-notice';

export interface ChatCommandJob {
  message: InboundMessage;
  /** Set when the command ran but its reply could not be sent: a retry only sends. */
  reply?: object;
  /** The part of that reply for the sender's private chat. */
  privately?: object;
}

/**
 * ChatOps work on queues. Job ids come from Feishu's event id and the change's timeline key,
 * so a job added twice (a retried callback) runs once.
 */
export function queueChatJobs(queues: Queues, db: Db, alertJobs: Pick<AlertJobs, 'patch'>) {
  return {
    enqueueMessage: async (message: InboundMessage, eventId: string): Promise<void> => {
      await queues.actions.add(CHAT_COMMAND, { message } satisfies ChatCommandJob, { jobId: `chat-${eventId}` });
    },
    /** EventActions' afterChange: every copy of the cards re-rendered (the pipeline's patch jobs), the group told. */
    afterChange: async (change: EventChange): Promise<void> => {
      await alertJobs.patch(await messagesOfEvents(db, change.eventIds));
      if (change.sendGroupId !== null) await queues.actions.add(EVENT_NOTICE, change, { jobId: `notice-${change.key}` });
    },
  };
}
