import type { Knex } from 'knex';

export type { Knex };
export type Db = Knex | Knex.Transaction;

/** Everything is stored and read as UTC; the on-call code applies group time zones itself. */
export const DB_TIMEZONE = 'Z';

/** MariaDB returns JSON columns as text; mysql2 on MySQL returns objects. Accept both. */
export function fromJson<T>(v: unknown, fallback: T): T {
  if (v == null) return fallback;
  if (typeof v === 'string') return v === '' ? fallback : (JSON.parse(v) as T);
  return v as T;
}

export const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** MySQL duplicate-key error, so callers can turn a race into a clean `conflict`. */
export const isDuplicateKey = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'ER_DUP_ENTRY';
/** The unique index a duplicate-key error hit (`users_email_unique`), from the driver's message. */
export const duplicateKeyName = (e: unknown): string => /for key '(?:[\w]+\.)?([\w]+)'/.exec(String((e as Error).message))?.[1] ?? '';
/** Foreign key still referenced (delete refused) or referencing a missing row. */
export const isRowReferenced = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'ER_ROW_IS_REFERENCED_2';
export const isMissingReference = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'ER_NO_REFERENCED_ROW_2';
