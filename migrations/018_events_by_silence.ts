import type { Knex } from 'knex';

/**
 * alert_events by silence_id: lifting a silence takes its events with a locking read on
 * silence_id (src/events/actions.ts). Without an index that read scanned every event ever
 * stored, and a locking scan waits on every row the pipeline's transactions hold, so an
 * "unsilence" click could wait behind a storm being stored.
 */
const BY_SILENCE = 'alert_events_silence_id_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_events', (t) => t.index(['silence_id'], BY_SILENCE));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_events', (t) => t.dropIndex(['silence_id'], BY_SILENCE));
}
