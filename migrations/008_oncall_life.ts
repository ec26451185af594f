import type { Knex } from 'knex';

/**
 * Life on call (#16): swap requests decided by consent, shift notices sent once, calendar
 * feed tokens, and the per-group notice lead time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('oncall_groups', (t) => {
    // How long before a shift its person is told privately; 0: only at the handoff.
    t.integer('notice_lead_minutes').unsigned().notNullable().defaultTo(720);
  });

  await knex.schema.createTable('oncall_swap_requests', (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().notNullable().references('oncall_groups.id').onDelete('CASCADE');
    t.date('first_day').notNullable();
    t.date('last_day').notNullable();
    // Who held the days when asked (null: nobody was planned).
    t.integer('from_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    // Who is asked; null: an offer to the whole group, taken by the first member who accepts.
    t.integer('to_user_id').unsigned().nullable().references('users.id').onDelete('CASCADE');
    t.integer('requested_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.enu('state', ['pending', 'accepted', 'declined', 'expired', 'cancelled', 'forced']).notNullable().defaultTo('pending');
    // The first day's shift start in the group's zone (or the end of a shift already running).
    t.datetime('expires_at', { precision: 3 }).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    // Who accepted, declined, cancelled or forced it (for an offer: who took it); null when it expired.
    t.integer('decided_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.datetime('decided_at', { precision: 3 }).nullable();
    t.index(['group_id', 'state', 'first_day']);
    t.index(['state', 'expires_at']);
  });

  // Every copy of a request's card (private cards, the group chat's), so the outcome replaces them all.
  await knex.schema.createTable('oncall_swap_request_messages', (t) => {
    t.increments('id');
    t.integer('request_id').unsigned().notNullable().references('oncall_swap_requests.id').onDelete('CASCADE');
    t.string('receive_id', 128).notNullable();
    t.string('message_id', 128).notNullable();
    t.unique(['request_id', 'receive_id']);
  });

  await knex.schema.alterTable('oncall_swaps', (t) => {
    // The accepted (or forced) request this day's swap came from.
    t.integer('request_id').unsigned().nullable().references('oncall_swap_requests.id').onDelete('SET NULL');
  });

  // One private notice per shift, person and kind, whatever the number of workers and restarts.
  await knex.schema.createTable('oncall_notices', (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().notNullable().references('oncall_groups.id').onDelete('CASCADE');
    // The shift's first roster day.
    t.date('day').notNullable();
    t.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    t.enu('kind', ['before', 'handoff']).notNullable();
    // Claimed before sending; a claim never marked sent (a worker died) is taken over later.
    t.datetime('claimed_at', { precision: 3 }).notNullable();
    t.datetime('sent_at', { precision: 3 }).nullable();
    t.string('message_id', 128).nullable();
    t.unique(['group_id', 'day', 'user_id', 'kind']);
  });

  // Calendar feed tokens: only a hash is stored; the nonce lets promduty show the same URL again.
  await knex.schema.createTable('oncall_calendar_tokens', (t) => {
    t.increments('id');
    t.enu('kind', ['group', 'user']).notNullable();
    t.integer('subject_id').unsigned().notNullable();
    t.string('nonce', 64).notNullable();
    t.string('token_hash', 64).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.unique(['kind', 'subject_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oncall_calendar_tokens');
  await knex.schema.dropTable('oncall_notices');
  await knex.schema.alterTable('oncall_swaps', (t) => {
    t.dropForeign(['request_id']);
    t.dropColumn('request_id');
  });
  await knex.schema.dropTable('oncall_swap_request_messages');
  await knex.schema.dropTable('oncall_swap_requests');
  await knex.schema.alterTable('oncall_groups', (t) => {
    t.dropColumn('notice_lead_minutes');
  });
}
