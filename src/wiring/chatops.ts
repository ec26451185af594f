import type * as lark from '@larksuiteoapi/node-sdk';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { httpSilences } from '../alertmanager/silences';
import type { ChatDeps } from '../chat/types';
import type { Settings } from '../config/settings';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { randomBytes } from 'node:crypto';
import { EventActions } from '../events/actions';
import type { Destinations } from '../events/destinations';
import type { Paging } from '../paging/paging';
import { GroupActions } from '../events/group-actions';
import type { AlertJobs } from '../events/jobs';
import { createFeishuDispatcher } from '../feishu/dispatcher';
import type { FeishuReceiver } from '../feishu/receiver';
import { queueChatJobs } from '../queue/chat-jobs';
import type { Queues } from '../queue/queues';

export interface ChatOpsOptions {
  settings: Settings;
  db: Knex;
  redis: Redis;
  queues: Queues;
  /** The alert pipeline's jobs main.ts built (event changes re-render cards through its patch jobs). */
  alertJobs: Pick<AlertJobs, 'patch' | 'send' | 'reply' | 'escalate'>;
  /** The alert pipeline's routing cache (group escalation reads the send group's levels). */
  destinations: Pick<Destinations, 'forGroup'>;
  /** Paging plans the buzzes of group actions (a responder's card, an "escalate now" level). */
  paging: Pick<Paging, 'planEscalationCards' | 'planResponderCard'>;
  clock: Clock;
  logger: Logger;
  /** The services commands call (main.ts's service bag fits). */
  services: Omit<ChatDeps, 'clock' | 'logger' | 'timezone' | 'locale' | 'publicUrl' | 'events' | 'groups'>;
}

export interface ChatOps {
  chat: ChatDeps;
  dispatcher: lark.EventDispatcher;
  receiver: FeishuReceiver;
}

/** Wires ChatOps: event actions, chat deps, the Feishu dispatcher and receiver; commands and notices run as jobs. */
export function chatOps(o: ChatOpsOptions): ChatOps {
  const jobs = queueChatJobs(o.queues, o.db, o.alertJobs);
  const silences = httpSilences();
  const chat: ChatDeps = {
    ...o.services,
    clock: o.clock,
    logger: o.logger,
    timezone: o.settings.timezone,
    locale: o.settings.locale,
    publicUrl: o.settings.publicUrl,
    events: new EventActions({ db: o.db, clock: o.clock, silences, afterChange: jobs.afterChange }),
    groups: new GroupActions({ db: o.db, clock: o.clock, silences, destinations: o.destinations, jobs: o.alertJobs, paging: o.paging, newEscalationId: () => randomBytes(8).toString('hex') }),
  };
  const secrets = { encryptKey: o.settings.feishu.encryptKey, verificationToken: o.settings.feishu.verificationToken };
  const dispatcher = createFeishuDispatcher(secrets, { redis: o.redis, logger: o.logger, chat, enqueueMessage: jobs.enqueueMessage });
  return { chat, dispatcher, receiver: { dispatcher, secrets, clock: o.clock, logger: o.logger } };
}
