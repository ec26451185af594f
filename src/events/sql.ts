import { escape, type SqlValue } from 'mysql2';
import { DB_TIMEZONE, type Db, type Knex } from '../db/knex';

/**
 * Multi-row INSERT as plain SQL: on the alert path a notification is a handful of
 * statements, and building them through the query builder cost more CPU than running them.
 * `rows` must share their keys (the first row's are the columns). The values are escaped
 * here, once, by the driver's own escaper with the connection's time zone (what mysql2 does
 * with bindings), and the statement goes without bindings: knex's pass over 40,000 bindings
 * of a 2,000-row insert (finding each `?`, checking for undefined) and then mysql2's second
 * pass cost more than the escaping itself (processing bench, issue 15: knex + escaping were
 * 12 % of the worker's CPU).
 */
export function insertRows(db: Db, table: string, rows: Record<string, unknown>[], suffix = ''): Promise<{ insertId: number }> {
  const columns = Object.keys(rows[0]!);
  return insertValues(db, table, columns, rows.map((r) => columns.map((c) => r[c])), suffix);
}

/** `insertRows` with each row's values in the order of `columns` (undefined is NULL). */
export async function insertValues(db: Db, table: string, columns: readonly string[], rows: unknown[][], suffix = ''): Promise<{ insertId: number }> {
  const values = rows.map((r) => `(${r.map((v) => escape((v ?? null) as SqlValue, false, DB_TIMEZONE)).join(',')})`);
  const sql = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}${suffix ? ` ${suffix}` : ''}`;
  const [result] = await db.raw(sql);
  return { insertId: Number(result.insertId) };
}

/** `ON DUPLICATE KEY UPDATE c = VALUES(c), …` */
export const updateOnDuplicate = (columns: string[]): string => `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`;

/** `(a, b) IN ((?, ?), …)` over composite keys, with its bindings. */
export function tupleIn(columns: string[], keys: Knex.Value[][]): [string, Knex.Value[]] {
  const group = `(${columns.map(() => '?').join(',')})`;
  return [`(${columns.join(',')}) IN (${keys.map(() => group).join(',')})`, keys.flat()];
}

let increment: Promise<number> | null = null;

/**
 * The ids a multi-row INSERT … VALUES got: a "simple insert" (its row count is known) takes
 * consecutive auto-increment values in every InnoDB lock mode, spaced by
 * auto_increment_increment, starting at the insertId the server reports.
 */
export async function insertedIds(db: Db, firstId: number, count: number): Promise<number[]> {
  increment ??= db.raw('SELECT @@auto_increment_increment AS i').then(([rows]: any) => Number(rows[0].i));
  const step = await increment;
  return Array.from({ length: count }, (_, i) => firstId + i * step);
}
