import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/connect';
import { migrateLatest } from '../../src/db/migrate';
import { migrations } from '../../migrations';
import { MYSQL_BASE, uniqueName } from '../support/env';

test('two processes creating and migrating the same new database at once both succeed', async () => {
  const url = `${MYSQL_BASE}/${uniqueName('mig')}`;
  const start = async () => {
    await ensureDatabase(url);
    const db = createKnex(url, { min: 0, max: 2 });
    try {
      return await migrateLatest(db);
    } finally {
      await db.destroy();
    }
  };
  try {
    const [a, b] = await Promise.all([start(), start()]);
    // Exactly one of them applied the migrations; the other found nothing to do.
    assert.deepEqual([...a, ...b].sort(), Object.keys(migrations).sort());
    const db = createKnex(url);
    const tables = (await db.raw('SHOW TABLES'))[0].map((r: Record<string, string>) => Object.values(r)[0]);
    await db.destroy();
    for (const t of ['users', 'tree_nodes', 'alert_events', 'event_timeline', 'audit_log', 'publish_state', 'oncall_swaps'])
      assert.ok(tables.includes(t), `missing table ${t}`);
  } finally {
    await dropDatabase(url);
  }
});

test('lifting a silence reads its events by index, not by a locking scan of every event', async () => {
  const url = `${MYSQL_BASE}/${uniqueName('mig')}`;
  await ensureDatabase(url);
  const db = createKnex(url, { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    const [plan] = await db.raw("EXPLAIN SELECT id FROM alert_events WHERE silence_id = 'x' FOR UPDATE");
    assert.equal(plan[0].key, 'alert_events_silence_id_index', JSON.stringify(plan));
  } finally {
    await db.destroy();
    await dropDatabase(url);
  }
});
