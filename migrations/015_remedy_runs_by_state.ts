import type { Knex } from 'knex';

/**
 * remedy_runs by (state, due_at): the remedy sweep (src/remedy/sweep.ts) looks for queued runs
 * every 30 s, and the table keeps every run ever made. With the index that is a read of the few
 * queued entries (id and due_at are in it), not a scan of the whole history.
 */
const BY_STATE = 'remedy_runs_state_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('remedy_runs', (t) => t.index(['state', 'due_at'], BY_STATE));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('remedy_runs', (t) => t.dropIndex(['state', 'due_at'], BY_STATE));
}
