import type { Knex } from 'knex';

/**
 * /stats and /rules suggest (issue 18).
 *
 * - alert_events by (send_group_id, first_seen_at) and by first_seen_at: the stats read the
 *   events that fired in a window, for one send group or all, in (first_seen_at, id) pages.
 * - stats_digests: one row per send group and week once its weekly digest is claimed by a
 *   worker, so the digest is posted once whichever workers run the sweep, and a claim that
 *   never finished (a crash) is taken over later (src/stats/digest.ts).
 * - scrape_pools.query_log_file: where the pool's Prometheus instances write their query log
 *   (`global.query_log_file`); null leaves it off.
 * - query_log_stats: the query logs promduty was sent, folded per pool, UTC day and query
 *   text (src/querylog/store.ts): bounded by the distinct queries, not by how often they ran.
 */
const EVENTS_BY_GROUP = 'alert_events_stats_group_index';
const EVENTS_BY_TIME = 'alert_events_stats_time_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alert_events', (t) => {
    t.index(['send_group_id', 'first_seen_at'], EVENTS_BY_GROUP);
    t.index(['first_seen_at'], EVENTS_BY_TIME);
  });
  await knex.schema.createTable('stats_digests', (t) => {
    t.integer('send_group_id').unsigned().notNullable().references('send_groups.id').onDelete('CASCADE');
    // The Monday the week starts on, in the send group's zone.
    t.date('week').notNullable();
    t.datetime('claimed_at', { precision: 3 }).notNullable();
    t.datetime('sent_at', { precision: 3 }).nullable();
    t.string('message_id', 128).nullable();
    t.primary(['send_group_id', 'week']);
  });
  await knex.schema.alterTable('scrape_pools', (t) => {
    t.string('query_log_file', 1024).nullable();
  });
  await knex.schema.createTable('query_log_stats', (t) => {
    t.bigIncrements('id');
    t.integer('pool_id').unsigned().notNullable().references('scrape_pools.id').onDelete('CASCADE');
    t.date('day').notNullable();
    // sha256 of the query text: the text itself is too long for a unique key.
    t.string('query_hash', 64).notNullable();
    t.text('query').notNullable();
    t.integer('runs').unsigned().notNullable();
    t.integer('range_runs').unsigned().notNullable();
    t.double('exec_seconds').notNullable();
    t.double('max_exec_seconds').notNullable();
    t.bigInteger('samples').unsigned().notNullable();
    t.bigInteger('peak_samples').unsigned().notNullable();
    t.datetime('last_run_at', { precision: 3 }).notNullable();
    t.unique(['pool_id', 'day', 'query_hash']);
    t.index(['day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('query_log_stats');
  await knex.schema.alterTable('scrape_pools', (t) => t.dropColumn('query_log_file'));
  await knex.schema.dropTableIfExists('stats_digests');
  await knex.schema.alterTable('alert_events', (t) => {
    t.dropIndex(['send_group_id', 'first_seen_at'], EVENTS_BY_GROUP);
    t.dropIndex(['first_seen_at'], EVENTS_BY_TIME);
  });
}
