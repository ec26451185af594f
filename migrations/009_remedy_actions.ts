import type { Knex } from 'knex';

/**
 * Remediation actions (issue 18): named HTTP calls run on an alert, automatically or from a
 * button on its card (src/remedy/).
 *
 * - remedy_actions: the call (method, URL and body templates, headers whose values are
 *   secrets, an optional signing secret) and its limits.
 * - remedy_triggers: what attaches an action, an alert rule or a send group, and how: `auto`
 *   (on fire, after `after_minutes` still firing) or `button` (offered on the alert card).
 * - remedy_runs: one row per run. `dedupe_key` is unique: an automatic run is keyed on action
 *   and event (one firing episode, fingerprint + startsAt), so it happens at most once per
 *   episode however often the alert repeats or the job is queued again; a manual run on its own
 *   request.
 * - event_timeline.kind gains `action`. The enum is read from the database and extended rather
 *   than restated, so migrations of other teams that extend it too keep their values.
 */
const TIMELINE_KIND = 'action';

async function timelineKinds(knex: Knex): Promise<string[]> {
  const [rows] = await knex.raw(
    "SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'event_timeline' AND COLUMN_NAME = 'kind'",
  );
  const type = String((rows as { t: string }[])[0]?.t ?? '');
  return [...type.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

async function setTimelineKinds(knex: Knex, kinds: string[]): Promise<void> {
  const list = kinds.map((k) => `'${k.replace(/'/g, "''")}'`).join(', ');
  await knex.raw(`ALTER TABLE event_timeline MODIFY kind ENUM(${list}) NOT NULL`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('remedy_actions', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.string('description', 500).nullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('method', 8).notNullable();
    t.text('url').notNullable();
    // Header values are secrets (tokens): never shown back, never logged.
    t.json('headers').nullable();
    t.text('body').nullable();
    t.string('secret', 255).nullable();
    t.integer('timeout_ms').unsigned().notNullable();
    t.integer('max_runs_per_hour').unsigned().notNullable();
    t.integer('retries').unsigned().notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
  });
  await knex.schema.createTable('remedy_triggers', (t) => {
    t.increments('id');
    t.integer('action_id').unsigned().notNullable().references('remedy_actions.id').onDelete('CASCADE');
    t.integer('rule_id').unsigned().nullable().references('alert_rules.id').onDelete('CASCADE');
    t.integer('send_group_id').unsigned().nullable().references('send_groups.id').onDelete('CASCADE');
    t.enu('mode', ['auto', 'button']).notNullable();
    t.integer('after_minutes').unsigned().notNullable().defaultTo(0);
    t.index(['rule_id']);
    t.index(['send_group_id']);
  });
  await knex.schema.createTable('remedy_runs', (t) => {
    t.bigIncrements('id');
    t.integer('action_id').unsigned().notNullable().references('remedy_actions.id').onDelete('CASCADE');
    t.integer('event_id').unsigned().notNullable().references('alert_events.id').onDelete('CASCADE');
    t.string('dedupe_key', 100).notNullable().unique();
    t.enu('trigger', ['auto', 'button', 'command']).notNullable();
    t.enu('state', ['queued', 'running', 'retrying', 'succeeded', 'failed', 'skipped']).notNullable();
    t.integer('requested_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.string('requested_by_name', 128).notNullable();
    t.datetime('due_at', { precision: 3 }).notNullable();
    t.integer('attempts').unsigned().notNullable().defaultTo(0);
    t.datetime('started_at', { precision: 3 }).nullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.integer('http_status').nullable();
    t.integer('duration_ms').unsigned().nullable();
    t.text('answer').nullable();
    t.string('error', 500).nullable();
    t.datetime('reported_at', { precision: 3 }).nullable();
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.index(['event_id', 'state']);
    t.index(['action_id', 'started_at']);
  });
  const kinds = await timelineKinds(knex);
  if (!kinds.includes(TIMELINE_KIND)) await setTimelineKinds(knex, [...kinds, TIMELINE_KIND]);
}

export async function down(knex: Knex): Promise<void> {
  await knex('event_timeline').where({ kind: TIMELINE_KIND }).delete();
  await setTimelineKinds(knex, (await timelineKinds(knex)).filter((k) => k !== TIMELINE_KIND));
  await knex.schema.dropTableIfExists('remedy_runs');
  await knex.schema.dropTableIfExists('remedy_triggers');
  await knex.schema.dropTableIfExists('remedy_actions');
}
