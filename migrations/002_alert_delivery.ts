import type { Knex } from 'knex';

/**
 * The alert pipeline's delivery asks, on every round, for the events of one send group that
 * wait for their cards (`last_notified_at IS NULL`). Without this index that is a walk over
 * the group's whole history; with it, a range of exactly the waiting ones.
 */
const INDEX = 'alert_events_delivery_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_events', (t) => t.index(['send_group_id', 'last_notified_at'], INDEX));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_events', (t) => t.dropIndex(['send_group_id', 'last_notified_at'], INDEX));
}
