/**
 * Whether Redis keeps what it acknowledged. promduty answers Alertmanager 2xx once a
 * notification is in Redis; that means "durable" only if Redis persists it and never evicts
 * it. Pure: the settings read from Redis in, a verdict with the exact fix out.
 *
 * - `appendonly yes` (AOF) is what makes an acknowledged job survive a Redis crash or restart:
 *   Redis writes each command to the AOF before it answers. RDB snapshots alone (`save …`)
 *   lose everything since the last snapshot (minutes), so appendonly=no is not durable,
 *   whatever `save` says.
 * - `appendfsync always` is the only setting under which nothing Redis answered is lost, to a
 *   Redis crash or a machine crash: it writes and fsyncs before it answers. `everysec` fsyncs
 *   in the background, and while that fsync is slow (a busy disk) Redis holds its AOF writes
 *   back for up to 2 s yet keeps answering: a Redis crash then loses what it acknowledged in
 *   those seconds (the fault test "Redis SIGKILL" lost 9 of 165 alerts so, 0 with `always`).
 *   `no` writes before it answers but leaves flushing to the OS (about 30 s on Linux): a Redis
 *   crash loses nothing, a machine crash the last seconds. Both are warnings, not failures:
 *   the loss needs a crash at a bad moment, and refusing to start would page nobody.
 * - `maxmemory-policy` must be `noeviction`: any other policy deletes keys (queued jobs among
 *   them) when memory runs out. With noeviction a full Redis refuses writes instead, and the
 *   webhook answers 503, so Alertmanager keeps the alert and retries.
 */
export interface RedisPersistence {
  appendonly: string;
  appendfsync: string;
  maxmemoryPolicy: string;
}

/** What was learnt from Redis: its settings, or why they could not be read (CONFIG disabled or renamed). */
export type DurabilityObservation = { config: RedisPersistence } | { unreadable: string };

export type DurabilityStatus = 'durable' | 'not_durable' | 'unknown' | 'assumed';

export interface Durability {
  status: DurabilityStatus;
  /** durable or assumed: a 2xx means the notification survives a Redis crash. */
  ok: boolean;
  /** Why it is not durable, each with its fix; empty when ok. */
  problems: string[];
  /** Weaker points worth a warning (appendfsync everysec or no). */
  notes: string[];
}

const persist = 'and put the same line in redis.conf (or start redis-server with the flag) so it survives a restart';

/** What each appendfsync short of `always` can lose, and the fix. */
const FSYNC_NOTES: Record<string, string> = {
  everysec:
    'while a background fsync is slow (a busy disk) Redis holds its AOF writes back for up to 2 s and still answers, so a Redis crash then loses alerts it acknowledged in those seconds',
  no: 'the OS decides when the AOF reaches disk, so a machine crash (not a Redis crash) can lose the last ~30 s',
};
const ALWAYS = `appendfsync always writes and fsyncs before Redis answers: redis-cli CONFIG SET appendfsync always, ${persist} (appendfsync always)`;

/** The verdict. `mode: 'assume'` (REDIS_DURABILITY=assume) takes the operator's word for it. */
export function judgeDurability(seen: DurabilityObservation | null, mode: 'check' | 'assume'): Durability {
  if (mode === 'assume') return { status: 'assumed', ok: true, problems: [], notes: [] };
  if (!seen || 'unreadable' in seen) {
    const why = seen ? `CONFIG GET failed: ${seen.unreadable}` : 'Redis did not answer';
    return {
      status: 'unknown',
      ok: false,
      problems: [
        `could not read Redis persistence settings (${why}). On a managed Redis that disables CONFIG, make sure it persists with AOF (appendonly yes) and never evicts (maxmemory-policy noeviction), then set REDIS_DURABILITY=assume`,
      ],
      notes: [],
    };
  }
  const c = seen.config;
  const problems: string[] = [];
  if (c.appendonly !== 'yes')
    problems.push(
      `appendonly is ${c.appendonly || 'unset'}: acknowledged alerts live only in memory until the next RDB snapshot, and a Redis crash or restart loses them. Fix: redis-cli CONFIG SET appendonly yes, ${persist} (appendonly yes, appendfsync always)`,
    );
  if (c.maxmemoryPolicy !== 'noeviction')
    problems.push(
      `maxmemory-policy is ${c.maxmemoryPolicy || 'unset'}: when memory runs out Redis deletes keys, queued alerts among them. Fix: redis-cli CONFIG SET maxmemory-policy noeviction, ${persist} (maxmemory-policy noeviction)`,
    );
  const notes = c.appendonly === 'yes' && FSYNC_NOTES[c.appendfsync] ? [`appendfsync is ${c.appendfsync}: ${FSYNC_NOTES[c.appendfsync]}. ${ALWAYS}`] : [];
  return { status: problems.length ? 'not_durable' : 'durable', ok: !problems.length, problems, notes };
}

/** One line for logs, the refusal to start and /readyz. */
export function durabilityMessage(d: Durability): string {
  if (d.ok) return d.status === 'assumed' ? 'assumed durable (REDIS_DURABILITY=assume)' : 'ok';
  return `Redis does not keep what promduty acknowledges to Alertmanager: ${d.problems.join('; ')}`;
}

/**
 * `redis_durability` in /readyz: the report ('ok', 'assumed …', or why not), whether it lets
 * promduty be ready, and warnings. Not durable makes promduty not ready only when durability
 * is required (REDIS_REQUIRE_DURABLE); otherwise it is a warning, as at start.
 */
export function durabilityReadiness(d: Durability | { notChecked: string }, required: boolean): { report: string; ready: boolean; warnings: string[] } {
  if ('notChecked' in d) return { report: `not checked: ${d.notChecked}`, ready: !required, warnings: [] };
  const report = durabilityMessage(d);
  return { report, ready: d.ok || !required, warnings: [...(d.ok || required ? [] : [`redis_durability: ${report}`]), ...d.notes] };
}
