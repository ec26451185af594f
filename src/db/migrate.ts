import type { Knex } from 'knex';
import { migrationSource } from './migration-source';

/**
 * Migrates to the latest schema. Two processes starting at once both call this: a MySQL
 * named lock serialises them, so the second finds nothing to do instead of failing on
 * knex's own lock table.
 */
export async function migrateLatest(db: Knex, timeoutSeconds = 120): Promise<string[]> {
  const conn = await db.client.acquireConnection();
  try {
    const [rows] = await db.raw('SELECT GET_LOCK(?, ?) AS got', ['promduty_migrate', timeoutSeconds]).connection(conn);
    if (Number(rows[0]?.got) !== 1) throw new Error('timed out waiting for the migration lock');
    try {
      const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      return applied;
    } finally {
      await db.raw('SELECT RELEASE_LOCK(?)', ['promduty_migrate']).connection(conn);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
}
