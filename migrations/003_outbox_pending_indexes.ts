import type { Knex } from 'knex';

/**
 * The outbox (`alert_event_messages`) holds one row per event and recipient, so a storm puts
 * thousands of rows behind a few dozen pending messages. Delivery asks two things of them
 * on every round: which messages a send group still has pending and to whom, and how many
 * are pending for given recipients. With `receive_id` beside `message_id` in the index both
 * are answered from the index alone, without reading a row. (A second index led by
 * receive_id would read less for the second, but every send rewrites message_id on each of
 * its rows, and each index on it doubles that work.)
 */
const BY_MESSAGE = 'alert_event_messages_message_recipient_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_event_messages', (t) => {
    t.index(['message_id', 'receive_id'], BY_MESSAGE);
    t.dropIndex(['message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_event_messages', (t) => {
    t.index(['message_id']);
    t.dropIndex(['message_id', 'receive_id'], BY_MESSAGE);
  });
}
