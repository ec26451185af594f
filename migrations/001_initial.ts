import type { Knex } from 'knex';

/**
 * The whole domain of design.md. Conventions: ids are unsigned auto-increment; times are
 * DATETIME(3) in UTC; JSON columns hold label sets and lists; foreign keys RESTRICT where a
 * delete must be refused with a message (the domain checks first and says why), CASCADE for
 * rows owned by their parent, SET NULL for history that outlives what it points at.
 */
const ts = (t: Knex.CreateTableBuilder, knex: Knex): void => {
  t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
  t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.string('email', 255).nullable().unique();
    t.string('feishu_open_id', 64).nullable().unique();
    t.string('feishu_user_id', 64).nullable().unique();
    t.enu('role', ['admin', 'editor', 'viewer']).notNullable().defaultTo('viewer');
    ts(t, knex);
  });

  // ── service tree ─────────────────────────────────────────────────────────────
  await knex.schema.createTable('tree_nodes', (t) => {
    t.increments('id');
    t.integer('parent_id').unsigned().nullable().references('tree_nodes.id').onDelete('RESTRICT');
    t.string('name', 128).notNullable();
    // Full path ("/infra/db/mysql"); unique, so siblings (and roots) never share a name.
    t.string('path', 768).notNullable().unique();
    t.integer('depth').unsigned().notNullable();
    ts(t, knex);
    t.unique(['parent_id', 'name']);
  });
  await knex.schema.createTable('hosts', (t) => {
    t.increments('id');
    t.string('hostname', 253).notNullable().unique();
    t.string('ip', 45).notNullable().index();
    t.json('labels').nullable();
    ts(t, knex);
  });
  await knex.schema.createTable('node_hosts', (t) => {
    t.integer('node_id').unsigned().notNullable().references('tree_nodes.id').onDelete('CASCADE');
    t.integer('host_id').unsigned().notNullable().references('hosts.id').onDelete('CASCADE');
    t.primary(['node_id', 'host_id']);
    t.index(['host_id']);
  });

  // ── Alertmanager ─────────────────────────────────────────────────────────────
  await knex.schema.createTable('alertmanager_clusters', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.string('resolve_timeout', 32).notNullable().defaultTo('5m');
    t.json('group_by').nullable();
    t.string('group_wait', 32).notNullable().defaultTo('30s');
    t.string('group_interval', 32).notNullable().defaultTo('5m');
    t.string('repeat_interval', 32).notNullable().defaultTo('4h');
    ts(t, knex);
  });
  await knex.schema.createTable('alertmanager_instances', (t) => {
    t.increments('id');
    t.integer('cluster_id').unsigned().notNullable().references('alertmanager_clusters.id').onDelete('CASCADE');
    t.string('address', 300).notNullable().unique();
    t.boolean('healthy').notNullable().defaultTo(true);
    // Consecutive failed probes; an instance turns unhealthy only after a few (no flapping).
    t.integer('probe_failures').unsigned().notNullable().defaultTo(0);
    t.datetime('last_probe_at', { precision: 3 }).nullable();
    ts(t, knex);
  });

  // ── scrape ───────────────────────────────────────────────────────────────────
  await knex.schema.createTable('scrape_pools', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.json('external_labels').nullable();
    t.string('scrape_interval', 32).notNullable().defaultTo('30s');
    t.string('scrape_timeout', 32).notNullable().defaultTo('10s');
    t.string('evaluation_interval', 32).notNullable().defaultTo('30s');
    t.json('remote_write').nullable();
    t.json('remote_read').nullable();
    t.integer('alertmanager_cluster_id').unsigned().nullable().references('alertmanager_clusters.id').onDelete('RESTRICT');
    t.boolean('alert_rules_enabled').notNullable().defaultTo(true);
    t.boolean('record_rules_enabled').notNullable().defaultTo(true);
    t.enu('sharding', ['hashmod', 'consistent']).notNullable().defaultTo('hashmod');
    ts(t, knex);
  });
  await knex.schema.createTable('prometheus_instances', (t) => {
    t.increments('id');
    t.integer('pool_id').unsigned().notNullable().references('scrape_pools.id').onDelete('CASCADE');
    // A Prometheus instance belongs to exactly one pool.
    t.string('address', 300).notNullable().unique();
    t.boolean('healthy').notNullable().defaultTo(true);
    // Consecutive failed probes; an instance turns unhealthy only after a few (no flapping).
    t.integer('probe_failures').unsigned().notNullable().defaultTo(0);
    t.datetime('last_probe_at', { precision: 3 }).nullable();
    ts(t, knex);
    t.index(['pool_id']);
  });
  await knex.schema.createTable('scrape_jobs', (t) => {
    t.increments('id');
    t.integer('pool_id').unsigned().notNullable().references('scrape_pools.id').onDelete('RESTRICT');
    t.string('name', 128).notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('metrics_path', 255).notNullable().defaultTo('/metrics');
    t.enu('scheme', ['http', 'https']).notNullable().defaultTo('http');
    t.integer('port').unsigned().nullable();
    t.string('scrape_interval', 32).nullable();
    t.string('scrape_timeout', 32).nullable();
    t.boolean('honor_labels').notNullable().defaultTo(false);
    t.enu('discovery', ['http_sd', 'static', 'kubernetes_sd']).notNullable();
    t.json('static_targets').nullable();
    // kubernetes_sd settings: {role, in_cluster, api_server, ca_cert, bearer_token, insecure_skip_verify, namespaces}
    t.json('kubernetes').nullable();
    // relabel_configs as the YAML the user gave (validated on save), rendered verbatim.
    t.text('relabel_configs').nullable();
    ts(t, knex);
    t.unique(['pool_id', 'name']);
  });
  await knex.schema.createTable('scrape_job_nodes', (t) => {
    t.integer('job_id').unsigned().notNullable().references('scrape_jobs.id').onDelete('CASCADE');
    t.integer('node_id').unsigned().notNullable().references('tree_nodes.id').onDelete('CASCADE');
    t.primary(['job_id', 'node_id']);
    t.index(['node_id']);
  });

  // ── on-call ──────────────────────────────────────────────────────────────────
  await knex.schema.createTable('oncall_groups', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.integer('shift_days').unsigned().notNullable().defaultTo(1);
    t.date('start_date').notNullable();
    t.string('handoff_time', 5).notNullable().defaultTo('10:00');
    t.string('timezone', 64).notNullable();
    t.string('feishu_chat_id', 128).nullable();
    ts(t, knex);
  });
  await knex.schema.createTable('oncall_members', (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().notNullable().references('oncall_groups.id').onDelete('CASCADE');
    t.integer('user_id').unsigned().notNullable().references('users.id').onDelete('RESTRICT');
    t.integer('position').unsigned().notNullable();
    ts(t, knex);
    t.unique(['group_id', 'user_id']);
    t.index(['group_id', 'position']);
  });
  await knex.schema.createTable('oncall_history', (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().notNullable().references('oncall_groups.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.integer('user_id').unsigned().notNullable().references('users.id').onDelete('RESTRICT');
    t.enu('source', ['rotation', 'swap', 'backfill']).notNullable().defaultTo('rotation');
    t.datetime('recorded_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    // One row per group and day: recording is idempotent, and oncallNow is one index lookup.
    t.unique(['group_id', 'day']);
  });
  await knex.schema.createTable('oncall_swaps', (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().notNullable().references('oncall_groups.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.integer('from_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.integer('to_user_id').unsigned().notNullable().references('users.id').onDelete('RESTRICT');
    t.integer('requested_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('cancelled_at', { precision: 3 }).nullable();
    t.integer('cancelled_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.index(['group_id', 'day']);
  });

  // ── routing ──────────────────────────────────────────────────────────────────
  await knex.schema.createTable('send_groups', (t) => {
    t.increments('id');
    t.string('name', 128).notNullable().unique();
    t.boolean('enabled').notNullable().defaultTo(true);
    // The catch-all group for alerts with a missing or unknown send_group label.
    t.boolean('is_default').notNullable().defaultTo(false);
    t.integer('alertmanager_cluster_id').unsigned().notNullable().references('alertmanager_clusters.id').onDelete('RESTRICT');
    t.integer('oncall_group_id').unsigned().nullable().references('oncall_groups.id').onDelete('RESTRICT');
    t.string('feishu_chat_id', 128).nullable();
    t.string('webhook_url', 1024).nullable();
    t.string('webhook_secret', 255).nullable();
    t.boolean('notify_oncall_private').notNullable().defaultTo(true);
    t.boolean('send_resolved').notNullable().defaultTo(true);
    t.json('group_by').nullable();
    t.string('group_wait', 32).nullable();
    t.string('group_interval', 32).nullable();
    t.string('repeat_interval', 32).nullable();
    t.boolean('escalation_enabled').notNullable().defaultTo(false);
    ts(t, knex);
  });
  await knex.schema.createTable('send_group_users', (t) => {
    t.integer('send_group_id').unsigned().notNullable().references('send_groups.id').onDelete('CASCADE');
    t.integer('user_id').unsigned().notNullable().references('users.id').onDelete('RESTRICT');
    t.primary(['send_group_id', 'user_id']);
  });
  await knex.schema.createTable('escalation_levels', (t) => {
    t.increments('id');
    t.integer('send_group_id').unsigned().notNullable().references('send_groups.id').onDelete('CASCADE');
    t.integer('level').unsigned().notNullable();
    t.integer('after_minutes').unsigned().notNullable();
    t.unique(['send_group_id', 'level']);
  });
  await knex.schema.createTable('escalation_level_users', (t) => {
    t.integer('level_id').unsigned().notNullable().references('escalation_levels.id').onDelete('CASCADE');
    t.integer('user_id').unsigned().notNullable().references('users.id').onDelete('RESTRICT');
    t.primary(['level_id', 'user_id']);
  });

  // ── rules ────────────────────────────────────────────────────────────────────
  await knex.schema.createTable('alert_rules', (t) => {
    t.increments('id');
    t.integer('pool_id').unsigned().notNullable().references('scrape_pools.id').onDelete('RESTRICT');
    t.integer('send_group_id').unsigned().notNullable().references('send_groups.id').onDelete('RESTRICT');
    t.integer('tree_node_id').unsigned().nullable().references('tree_nodes.id').onDelete('SET NULL');
    t.string('name', 200).notNullable();
    t.text('expr').notNullable();
    t.string('for_duration', 32).nullable();
    t.enu('severity', ['critical', 'warning', 'info']).notNullable().defaultTo('warning');
    t.json('labels').nullable();
    t.json('annotations').nullable();
    t.string('grafana_url', 1024).nullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    ts(t, knex);
    t.index(['pool_id', 'enabled']);
    t.index(['send_group_id']);
  });
  await knex.schema.createTable('record_rules', (t) => {
    t.increments('id');
    t.integer('pool_id').unsigned().notNullable().references('scrape_pools.id').onDelete('RESTRICT');
    t.string('record', 200).notNullable();
    t.text('expr').notNullable();
    t.json('labels').nullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    ts(t, knex);
    t.index(['pool_id', 'enabled']);
  });

  // ── alert events ─────────────────────────────────────────────────────────────
  await knex.schema.createTable('alert_events', (t) => {
    t.increments('id');
    t.string('fingerprint', 64).notNullable();
    t.datetime('starts_at', { precision: 3 }).notNullable();
    t.string('alertname', 200).notNullable();
    t.integer('rule_id').unsigned().nullable().references('alert_rules.id').onDelete('SET NULL');
    t.integer('send_group_id').unsigned().nullable().references('send_groups.id').onDelete('SET NULL');
    t.enu('status', ['firing', 'resolved']).notNullable();
    t.string('severity', 32).nullable();
    t.json('labels').notNullable();
    t.json('annotations').nullable();
    t.text('generator_url').nullable();
    t.datetime('first_seen_at', { precision: 3 }).notNullable();
    t.datetime('last_seen_at', { precision: 3 }).notNullable();
    t.datetime('ends_at', { precision: 3 }).nullable();
    t.datetime('resolved_at', { precision: 3 }).nullable();
    t.integer('repeat_count').unsigned().notNullable().defaultTo(0);
    t.datetime('last_notified_at', { precision: 3 }).nullable();
    t.integer('claimed_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.datetime('claimed_at', { precision: 3 }).nullable();
    t.string('silence_id', 64).nullable();
    t.datetime('silenced_until', { precision: 3 }).nullable();
    t.integer('escalation_level').unsigned().notNullable().defaultTo(0);
    // Active escalation id: a timer carrying another id is stale and does nothing.
    t.string('escalation_id', 64).nullable();
    t.string('notify_error', 500).nullable();
    ts(t, knex);
    // One event per firing episode; replicas of an HA Alertmanager upsert the same row.
    t.unique(['fingerprint', 'starts_at']);
    t.index(['status', 'send_group_id']);
    t.index(['last_seen_at']);
  });
  await knex.schema.createTable('alert_event_messages', (t) => {
    t.increments('id');
    t.integer('event_id').unsigned().notNullable().references('alert_events.id').onDelete('CASCADE');
    t.enu('channel', ['group', 'private', 'webhook', 'escalation']).notNullable();
    t.string('receive_id', 128).notNullable();
    t.string('message_id', 128).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.unique(['event_id', 'channel', 'receive_id']);
    t.index(['message_id']);
  });
  await knex.schema.createTable('event_timeline', (t) => {
    t.bigIncrements('id');
    t.integer('event_id').unsigned().notNullable().references('alert_events.id').onDelete('CASCADE');
    t.enu('kind', ['fired', 'notified', 'repeated', 'escalated', 'claimed', 'silenced', 'unsilenced', 'resolved', 'notify_failed']).notNullable();
    t.integer('actor_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.string('actor', 128).notNullable();
    t.json('detail').nullable();
    t.datetime('at', { precision: 3 }).notNullable();
    t.index(['event_id', 'at']);
  });

  // ── audit and publishing ─────────────────────────────────────────────────────
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.datetime('at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.string('actor', 128).notNullable();
    t.integer('actor_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    t.string('action', 64).notNullable();
    t.string('entity', 64).notNullable();
    t.string('entity_id', 64).nullable();
    t.json('before').nullable();
    t.json('after').nullable();
    t.index(['entity', 'entity_id']);
    t.index(['at']);
  });
  await knex.schema.createTable('publish_state', (t) => {
    t.increments('id');
    t.enu('target_kind', ['prometheus', 'alertmanager']).notNullable();
    // prometheus_instances.id or alertmanager_instances.id (no FK: one column, two parents).
    t.integer('target_id').unsigned().notNullable();
    t.string('file', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.specificType('content', 'MEDIUMTEXT').notNullable();
    t.datetime('published_at', { precision: 3 }).notNullable();
    t.datetime('reloaded_at', { precision: 3 }).nullable();
    t.boolean('reload_ok').nullable();
    t.text('error').nullable();
    t.unique(['target_kind', 'target_id', 'file']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'publish_state', 'audit_log', 'event_timeline', 'alert_event_messages', 'alert_events',
    'record_rules', 'alert_rules', 'escalation_level_users', 'escalation_levels', 'send_group_users',
    'send_groups', 'oncall_swaps', 'oncall_history', 'oncall_members', 'oncall_groups',
    'scrape_job_nodes', 'scrape_jobs', 'prometheus_instances', 'scrape_pools',
    'alertmanager_instances', 'alertmanager_clusters', 'node_hosts', 'hosts', 'tree_nodes', 'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
