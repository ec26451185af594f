import type { Knex } from 'knex';
import { migrations } from '../../migrations';

/**
 * Migrations are imported statically rather than read from a directory, so the same list
 * runs under tsx (tests, dev) and from the compiled `dist/` (npm start).
 */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations).sort()),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return Promise.resolve(m);
  },
};
