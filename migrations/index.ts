import type { Knex } from 'knex';
import * as m001 from './001_initial';
import * as m002 from './002_alert_delivery';
import * as m003 from './003_outbox_pending_indexes';
import * as m004 from './004_alert_dead_letters';
import * as m005 from './005_publish_refusals';
import * as m006 from './006_pool_topology';
import * as m007 from './007_alert_groups';
import * as m008 from './008_oncall_life';
import * as m009 from './009_remedy_actions';
import * as m010 from './010_stats_and_query_log';
import * as m011 from './011_paging';
import * as m015 from './015_remedy_runs_by_state';
import * as m017 from './017_live_digests';
import * as m018 from './018_events_by_silence';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, keyed by its name; the order is the sorted names. */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_alert_delivery': m002,
  '003_outbox_pending_indexes': m003,
  '004_alert_dead_letters': m004,
  '005_publish_refusals': m005,
  '006_pool_topology': m006,
  '007_alert_groups': m007,
  '008_oncall_life': m008,
  '009_remedy_actions': m009,
  '010_stats_and_query_log': m010,
  '011_paging': m011,
  '015_remedy_runs_by_state': m015,
  '017_live_digests': m017,
  '018_events_by_silence': m018,
};
