import type { Knex } from 'knex';

/**
 * The storm digest a group chat is reading now, per send group (src/events/delivery.ts): while
 * a storm goes on, the groups of later rounds are added to it in place (a card update, which
 * Feishu counts apart from sends) instead of each round posting a new message. One row per
 * send group and chat, replaced when a new digest is posted; the count of groups on it is read
 * from the outbox (its rows share the digest's message id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('live_digests', (t) => {
    t.integer('send_group_id').unsigned().notNullable().references('send_groups.id').onDelete('CASCADE');
    t.string('receive_id', 128).notNullable();
    t.string('message_id', 128).notNullable();
    t.datetime('posted_at', { precision: 3 }).notNullable();
    t.primary(['send_group_id', 'receive_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('live_digests');
}
