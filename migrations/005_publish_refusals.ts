import type { Knex } from 'knex';

/**
 * The newest file set of an instance that promtool / amtool refused (src/publish/config-check.ts).
 * It was not written: publish_state keeps describing the files the instance still runs, and
 * this row says why newer ones are not there yet. Cleared once a file set is accepted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('publish_refusals', (t) => {
    t.enu('target_kind', ['prometheus', 'alertmanager']).notNullable();
    // prometheus_instances.id or alertmanager_instances.id, as in publish_state.
    t.integer('target_id').unsigned().notNullable();
    t.datetime('refused_at', { precision: 3 }).notNullable();
    t.text('error').notNullable();
    t.primary(['target_kind', 'target_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('publish_refusals');
}
