import type { Knex } from 'knex';

/**
 * Where a pool's rules run (issue 14): the pool's role (scrape, evaluate or both), the engine
 * that evaluates (prometheus or vmalert), how many evaluators each rule is placed on, and the
 * central store vmalert queries. Existing pools keep what they did: role both, Prometheus,
 * one evaluator per rule. remote_read's read_recent / filter_external_labels live in the
 * remote_read JSON, so they need no column.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scrape_pools', (t) => {
    t.string('role', 16).notNullable().defaultTo('both');
    t.string('rule_engine', 16).notNullable().defaultTo('prometheus');
    t.tinyint('rule_replicas').unsigned().notNullable().defaultTo(1);
    t.string('datasource_url', 2048).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scrape_pools', (t) => {
    t.dropColumn('role');
    t.dropColumn('rule_engine');
    t.dropColumn('rule_replicas');
    t.dropColumn('datasource_url');
  });
}
