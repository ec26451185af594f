import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Buzzer } from '../core/ports';
import { BuzzService, type PagingJobs } from './buzz-service';
import { NotifySettingsService } from './notify-settings';
import { Paging } from './paging';

/**
 * Paging's services, built once (main.ts): per-user notification settings, the buzz record
 * and its runs, and the facade the alert pipeline and group actions call.
 */
export function pagingRoom(d: { db: Knex; clock: Clock; logger: Logger; metrics: Metrics; buzzer: Buzzer; jobs: PagingJobs }) {
  const settings = new NotifySettingsService(d.db, d.clock);
  const buzzes = new BuzzService(d);
  return { settings, buzzes, paging: new Paging({ db: d.db, clock: d.clock, settings, buzzes }) };
}

export type PagingRoom = ReturnType<typeof pagingRoom>;
