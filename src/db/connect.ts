import knexFactory, { type Knex } from 'knex';
import { DB_TIMEZONE } from './knex';

/** Connecting to MySQL / MariaDB: the one place a knex instance is made (main.ts calls it). */

export interface DbTarget {
  connection: Knex.MySql2ConnectionConfig;
  database: string;
}

/** Splits a `mysql://user:pass@host:port/db` URL into a connection config and the database name. */
export function parseDatabaseUrl(url: string): DbTarget {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL must name a database');
  if (!/^[\w$]+$/.test(database)) throw new Error(`database name "${database}" may contain only letters, digits, _ and $`);
  return {
    database,
    connection: {
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database,
      timezone: DB_TIMEZONE,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      dateStrings: false,
    },
  };
}

/**
 * 20 connections: the alert pipeline's queues run 8 + 4 + 16 jobs at once in one process, and
 * with 10 the storing jobs' transactions held every connection, so deliveries (and with them
 * every card) waited until a storm had been stored.
 */
export function createKnex(url: string, pool: { min: number; max: number } = { min: 0, max: 20 }): Knex {
  const { connection } = parseDatabaseUrl(url);
  return knexFactory({ client: 'mysql2', connection, pool });
}

/** Creates the database when it does not exist (idempotent, safe from several processes). */
export async function ensureDatabase(url: string): Promise<void> {
  const { connection, database } = parseDatabaseUrl(url);
  const admin = knexFactory({ client: 'mysql2', connection: { ...connection, database: undefined }, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { connection, database } = parseDatabaseUrl(url);
  const admin = knexFactory({ client: 'mysql2', connection: { ...connection, database: undefined }, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await admin.destroy();
  }
}
