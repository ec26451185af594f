import type { Knex } from 'knex';

/**
 * The outbox (`alert_event_messages`) holds one row per event and recipient, so a storm puts
 * thousands of rows behind a few dozen pending messages. Delivery asks two things of them
 * on every round: which messages a send group still has pending and to whom, and how many
 * are pending for given recipients. With `receive_id` beside `message_id` in the index the
 * first is answered from the index alone; the second reads only those recipients' pending
 * rows instead of every pending row of the app.
 */
const BY_MESSAGE = 'alert_event_messages_message_recipient_index';
const BY_RECIPIENT = 'alert_event_messages_recipient_message_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_event_messages', (t) => {
    t.index(['message_id', 'receive_id'], BY_MESSAGE);
    t.index(['receive_id', 'message_id'], BY_RECIPIENT);
    t.dropIndex(['message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_event_messages', (t) => {
    t.index(['message_id']);
    t.dropIndex(['receive_id', 'message_id'], BY_RECIPIENT);
    t.dropIndex(['message_id', 'receive_id'], BY_MESSAGE);
  });
}
