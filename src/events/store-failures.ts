import { IsolatedFailure } from '../core/group-commit';
import { isRedisUnavailable } from '../core/redis-clients';

/**
 * Why notifications could not be stored, as far as it decides what happens next:
 *   - `unavailable`: the database cannot be reached (refused, down, out of connections), or
 *     Redis, which the follow-up (delivery jobs) needs.
 *     Every notification would fail alike: nothing is tried one by one, nothing is
 *     dead-lettered (the dead letters live in that database); the job waits and comes back.
 *   - `data`: the database refused what this notification holds (a value out of range, bad
 *     JSON, too big). Trying again cannot help: it is dead-lettered at once.
 *   - `transient`: lock waits, deadlocks and races that pass. Retried; dead-lettered only when
 *     the job's attempts run out.
 *   - `other`: anything else. Dead-lettered when the notification failed in a write of its
 *     own while others stored around it succeeded (the trouble is in it), or when the job's
 *     attempts run out; otherwise retried.
 */
export type FailureKind = 'unavailable' | 'data' | 'transient' | 'other';

const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT',
  'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_SERVER_SHUTDOWN', 'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_OPTION_PREVENTS_STATEMENT', 'ER_NO_SUCH_TABLE',
]);
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY', 'ER_NO_REFERENCED_ROW_2', 'ER_QUERY_INTERRUPTED', 'ER_STATEMENT_TIMEOUT']);
// SQLSTATE class 22 (data exception) covers out-of-range times, too-long strings and numbers;
// these are the rest: CHECK constraints (MariaDB's JSON columns are json_valid checks),
// MySQL's JSON type, text the charset cannot hold, a row over max_allowed_packet.
const DATA = new Set([
  'ER_CONSTRAINT_FAILED', 'ER_CHECK_CONSTRAINT_VIOLATED', 'ER_BAD_NULL_ERROR', 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_INVALID_JSON_TEXT', 'ER_INVALID_JSON_TEXT_IN_PARAM', 'ER_INVALID_JSON_CHARSET', 'ER_NET_PACKET_TOO_LARGE',
]);

interface DriverError {
  code?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  name?: unknown;
  message?: unknown;
}

/** The error a group commit wrapped (IsolatedFailure), or the error itself. */
export const unwrap = (e: unknown): unknown => (e instanceof IsolatedFailure ? e.cause : e);

export function failureKind(error: unknown): FailureKind {
  const inner = unwrap(error);
  const e = (inner ?? {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE.has(code) || e.name === 'KnexTimeoutError') return 'unavailable';
  // ioredis' own errors carry no code; the driver's (a dropped MariaDB connection, "write
  // ECONNRESET", also what a statement over max_allowed_packet gets) are judged above.
  if (!code && isRedisUnavailable(inner)) return 'unavailable';
  if (TRANSIENT.has(code)) return 'transient';
  if (DATA.has(code) || (typeof e.sqlState === 'string' && e.sqlState.startsWith('22'))) return 'data';
  // Our own code tripping over what a notification holds does so again on every try.
  if (inner instanceof TypeError || inner instanceof RangeError) return 'data';
  return 'other';
}

/**
 * What went wrong, for the dead letter and the people reading it: the database's own
 * message (knex puts the whole statement, alert text and all, in front of it in `message`).
 */
export function failureText(error: unknown): string {
  const e = (unwrap(error) ?? {}) as DriverError;
  const text = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(unwrap(error));
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

/** One notification's outcome in a run of its job. */
export type StoreOutcome<R> = { ok: true; result: R } | { ok: false; error: unknown; alone: boolean };

export interface Settlement {
  /** Indices of the notifications to keep as dead letters now. */
  deadLetter: number[];
  /** Set when the job must run again for the rest; `unavailable`: only the database being away held them up. */
  retry: { error: unknown; unavailable: boolean } | null;
}

/**
 * What becomes of a job's notifications after one run (kinds above). `finalAttempt`: the job
 * will not be retried, so whatever is not stored is kept as a dead letter rather than dropped,
 * unless the database cannot be reached, which leaves nowhere to keep it: that job waits.
 */
export function settle(outcomes: StoreOutcome<unknown>[], finalAttempt: boolean): Settlement {
  const deadLetter: number[] = [];
  const held: unknown[] = [];
  let onlyUnavailable = true;
  outcomes.forEach((o, i) => {
    if (o.ok) return;
    const kind = failureKind(o.error);
    if (kind === 'unavailable') held.push(o.error);
    else if (kind === 'data' || finalAttempt || (kind === 'other' && o.alone)) deadLetter.push(i);
    else {
      held.push(o.error);
      onlyUnavailable = false;
    }
  });
  const first = held.find((e) => failureKind(e) !== 'unavailable') ?? held[0];
  return { deadLetter, retry: held.length ? { error: unwrap(first), unavailable: onlyUnavailable } : null };
}
