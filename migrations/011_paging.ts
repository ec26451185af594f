import type { Knex } from 'knex';

/**
 * Paging (issue 15): Feishu buzz (加急) on promduty's own private messages.
 *
 * - send_groups.paging: per severity, how the people messaged privately are paged (JSON
 *   `{critical: 'buzz_app', ...}`); send_groups.escalation_reminder_minutes: how long before a
 *   level escalates its current owners are reminded (0: no reminder).
 * - escalation_levels.channel: how a level reaches its users (chat only, or chat + a buzz).
 * - user_notify_settings: one row per user: their zone, quiet hours and per-severity rules
 *   (JSON), written by the users API and `/notify`.
 * - feishu_buzzes: one row per buzz asked of Feishu (or planned), with its outcome: the record
 *   of who was woken how, and the key that keeps one buzz per message, person and purpose.
 */
const TIMELINE_KINDS = ['buzzed', 'buzz_failed', 'reminded'];

/** The timeline's kinds as the table has them now (other migrations, 007, add theirs too). */
async function timelineKinds(knex: Knex): Promise<string[]> {
  const [rows] = (await knex.raw(
    "SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'event_timeline' AND COLUMN_NAME = 'kind'",
  )) as [{ t: string }[]];
  return [...(rows[0]?.t ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

async function setTimelineKinds(knex: Knex, kinds: string[]): Promise<void> {
  await knex.raw(`ALTER TABLE event_timeline MODIFY kind ENUM(${kinds.map(() => '?').join(', ')}) NOT NULL`, kinds);
}

export async function up(knex: Knex): Promise<void> {
  // Who was buzzed how, reminded, or could not be buzzed, in the alert's timeline.
  const kinds = await timelineKinds(knex);
  await setTimelineKinds(knex, [...kinds, ...TIMELINE_KINDS.filter((k) => !kinds.includes(k))]);
  await knex.schema.alterTable('send_groups', (t) => {
    t.json('paging').nullable();
    t.integer('escalation_reminder_minutes').unsigned().notNullable().defaultTo(5);
  });
  await knex.schema.alterTable('escalation_levels', (t) => {
    t.enu('channel', ['chat', 'buzz_app', 'sms', 'phone']).notNullable().defaultTo('chat');
  });
  await knex.schema.createTable('user_notify_settings', (t) => {
    t.integer('user_id').unsigned().primary().references('users.id').onDelete('CASCADE');
    // IANA zone the quiet hours are read in; null: UTC.
    t.string('timezone', 64).nullable();
    // Minutes after local midnight; both null: no quiet hours.
    t.smallint('quiet_start').unsigned().nullable();
    t.smallint('quiet_end').unsigned().nullable();
    // Critical alerts page through quiet hours unless the user turned that off.
    t.boolean('critical_overrides_quiet').notNullable().defaultTo(true);
    t.json('rules').notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('feishu_buzzes', (t) => {
    t.bigIncrements('id');
    // What this buzz is for and to whom, once: a retried job or a second planner finds it.
    t.string('buzz_key', 160).notNullable().unique();
    // The send's uuid (pending) and, once sent, the Feishu message buzzed.
    t.string('send_uuid', 64).nullable();
    t.string('message_id', 128).nullable();
    t.string('open_id', 128).notNullable();
    t.integer('user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.integer('event_id').unsigned().nullable();
    t.string('group_key', 191).nullable();
    t.enu('purpose', ['alert', 'escalation', 'responder']).notNullable();
    t.enu('kind', ['app', 'sms', 'phone']).notNullable();
    // The buzz this one falls back from (phone refused → app).
    t.bigInteger('fallback_of').unsigned().nullable();
    t.enu('state', ['planned', 'done']).notNullable().defaultTo('planned');
    t.string('outcome', 32).nullable();
    t.integer('feishu_code').nullable();
    t.string('detail', 300).nullable();
    t.datetime('due_at', { precision: 3 }).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('done_at', { precision: 3 }).nullable();
    t.index(['send_uuid']);
    t.index(['event_id']);
    t.index(['open_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('event_timeline').whereIn('kind', TIMELINE_KINDS).delete();
  await setTimelineKinds(knex, (await timelineKinds(knex)).filter((k) => !TIMELINE_KINDS.includes(k)));
  await knex.schema.dropTableIfExists('feishu_buzzes');
  await knex.schema.dropTableIfExists('user_notify_settings');
  await knex.schema.alterTable('escalation_levels', (t) => t.dropColumn('channel'));
  await knex.schema.alterTable('send_groups', (t) => {
    t.dropColumn('paging');
    t.dropColumn('escalation_reminder_minutes');
  });
}
