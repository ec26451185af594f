import type { Knex } from 'knex';

/**
 * Alert groups (#15): Alertmanager's groupKey (per route group_by) is promduty's incident.
 * Events stay one row per alert episode (fingerprint + startsAt) and point at their group;
 * the group carries what people do to the incident as a whole (acknowledge, resolve by hand,
 * silence, escalation) and its own timeline.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alert_groups', (t) => {
    t.increments('id');
    // sha1(receiver, groupKey) while the group is open; NULL once every alert of it resolved,
    // so the next firing alert of the same key opens a new incident (a new card).
    t.string('open_key', 40).nullable().unique();
    t.string('group_key_hash', 40).notNullable();
    t.text('group_key').notNullable();
    t.string('receiver', 256).notNullable();
    t.json('group_labels').notNullable();
    t.string('alertname', 200).notNullable();
    t.integer('send_group_id').unsigned().nullable().references('send_groups.id').onDelete('SET NULL');
    // The group's first event: its outbox rows are the group's cards (one per chat and person).
    t.integer('lead_event_id').unsigned().nullable();
    t.enu('status', ['firing', 'resolved']).notNullable();
    // Set when a person resolved it by hand (the next firing notification reopens it).
    t.integer('resolved_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.datetime('resolved_at', { precision: 3 }).nullable();
    t.integer('acknowledged_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.datetime('acknowledged_at', { precision: 3 }).nullable();
    t.string('silence_id', 64).nullable();
    t.datetime('silenced_until', { precision: 3 }).nullable();
    t.integer('silenced_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.string('escalation_id', 64).nullable();
    t.integer('escalation_level').unsigned().notNullable().defaultTo(0);
    t.datetime('first_seen_at', { precision: 3 }).notNullable();
    t.datetime('last_seen_at', { precision: 3 }).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.index(['group_key_hash']);
    t.index(['lead_event_id']);
    t.index(['status', 'send_group_id']);
  });
  await knex.schema.alterTable('alert_events', (t) => {
    t.integer('group_id').unsigned().nullable().references('alert_groups.id').onDelete('SET NULL');
    t.index(['group_id', 'status']);
  });
  // Where people open Prometheus and Alertmanager (cards link there rather than to the
  // generatorURL's hostname, which is often a pod or a machine name nobody can reach).
  await knex.schema.alterTable('scrape_pools', (t) => t.string('external_url', 512).nullable());
  await knex.schema.alterTable('alertmanager_clusters', (t) => t.string('external_url', 512).nullable());
  // What people did to the group (acknowledge, take over, resolve, note, silence, escalate,
  // add responder); the alerts' own rows stay in event_timeline.
  await knex.schema.createTable('alert_group_timeline', (t) => {
    t.bigIncrements('id');
    t.integer('group_id').unsigned().notNullable().references('alert_groups.id').onDelete('CASCADE');
    t.string('kind', 32).notNullable();
    t.integer('actor_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.string('actor', 128).notNullable();
    t.json('detail').nullable();
    t.datetime('at', { precision: 3 }).notNullable();
    t.index(['group_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('alert_group_timeline');
  await knex.schema.alterTable('scrape_pools', (t) => t.dropColumn('external_url'));
  await knex.schema.alterTable('alertmanager_clusters', (t) => t.dropColumn('external_url'));
  await knex.schema.alterTable('alert_events', (t) => {
    t.dropForeign(['group_id']);
    t.dropIndex(['group_id', 'status']);
    t.dropColumn('group_id');
  });
  await knex.schema.dropTableIfExists('alert_groups');
}
