import type { Knex } from 'knex';

/**
 * Notifications promduty accepted (Alertmanager got its 200) but could not store: each is
 * kept whole here with why, until it is replayed or discarded (src/events/dead-letters.ts).
 * `payload` is plain text, not a JSON column: a dead letter must be storable whatever the
 * notification holds, and JSON.stringify writes any string as valid UTF-8.
 * (job_id, position) names the notification in its `alerts` job, so a job that runs again
 * never keeps the same one twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alert_dead_letters', (t) => {
    t.increments('id');
    t.string('job_id', 64).notNullable();
    t.integer('position').unsigned().notNullable();
    t.datetime('received_at', { precision: 3 }).notNullable();
    t.text('group_key').notNullable();
    t.string('receiver', 256).notNullable();
    t.integer('alert_count').unsigned().notNullable();
    t.specificType('payload', 'LONGTEXT').notNullable();
    t.text('error').notNullable();
    t.string('error_kind', 16).notNullable();
    t.integer('attempts').unsigned().notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('announced_at', { precision: 3 }).nullable();
    t.datetime('replayed_at', { precision: 3 }).nullable();
    t.datetime('discarded_at', { precision: 3 }).nullable();
    t.unique(['job_id', 'position']);
    t.index(['announced_at']);
    t.index(['replayed_at', 'discarded_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('alert_dead_letters');
}
