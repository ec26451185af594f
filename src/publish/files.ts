import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { writeFileSet } from '../core/files';
import type { Logger } from '../core/logger';
import type { Lifecycle } from '../instances/lifecycle';
import type { InstanceKind } from '../instances/store';
import type { ConfigCheck } from './config-check';

export interface PublishTarget {
  kind: InstanceKind;
  /** prometheus_instances.id or alertmanager_instances.id */
  id: number;
  address: string;
  /** Directory the files are written to. */
  dir: string;
  /** The file Prometheus / Alertmanager is started with (the others are referenced from it). */
  configFile: string;
  /** Only rule files (a vmalert instance): checked with `promtool check rules`. */
  rulesOnly?: boolean;
  files: { path: string; content: string; hash: string; mode?: number }[];
}

export interface PublishResult {
  address: string;
  changed: boolean;
  reloaded: boolean;
  error: string | null;
  /** The new files were refused by promtool / amtool and not written. */
  refused?: boolean;
}

export interface PublishDeps {
  db: Knex;
  lifecycle: Lifecycle;
  clock: Clock;
  logger: Logger;
  /** Checks a changed file set before it is written (absent: no check). */
  configCheck?: ConfigCheck;
}

/**
 * Writes and reloads only what changed: a target whose files all match the hashes last
 * published, and whose last reload succeeded, is left alone. A failed reload is retried on
 * the next publish even without a change, so an instance that comes back gets its config.
 * A changed file set is first checked (promtool / amtool, two instances at a time); one the
 * tool refuses is not written, so the instance keeps its last good files, and the refusal is
 * recorded in publish_refusals (shown with the instance) until an accepted set replaces it.
 * Each target's outcome (hash, time, error) is recorded in publish_state for the API.
 */
export async function publishFiles(d: PublishDeps, targets: PublishTarget[]): Promise<PublishResult[]> {
  const changed = new Map<PublishTarget, boolean>();
  for (const t of targets) {
    const prev = await d.db('publish_state').where({ target_kind: t.kind, target_id: t.id });
    const same =
      prev.length === t.files.length &&
      t.files.every((f) => prev.some((p: any) => p.file === f.path && p.hash === f.hash)) &&
      prev.every((p: any) => p.reload_ok);
    changed.set(t, !same);
  }
  const check = d.configCheck;
  const refusals = check ? await mapLimit(targets, 2, async (t) => (changed.get(t) ? check.refusal(t) : null)) : targets.map(() => null);

  const results: PublishResult[] = [];
  for (const [i, t] of targets.entries()) {
    const target = { target_kind: t.kind, target_id: t.id };
    const refusal = refusals[i] ?? null;
    if (refusal) {
      const at = d.clock.now();
      await d.db('publish_refusals').insert({ ...target, refused_at: at, error: refusal }).onConflict(['target_kind', 'target_id']).merge();
      d.logger.warn({ kind: t.kind, address: t.address, error: refusal }, 'new config refused by its check; the instance keeps its last good files');
      results.push({ address: t.address, changed: true, reloaded: false, error: refusal, refused: true });
      continue;
    }
    // Whatever the tool refused before has been replaced by files it accepts (or by the last good ones).
    if (check) await d.db('publish_refusals').where(target).delete();
    if (!changed.get(t)) {
      results.push({ address: t.address, changed: false, reloaded: false, error: null });
      continue;
    }
    const at = d.clock.now();
    let error: string | null = null;
    try {
      await writeFileSet(t.dir, t.files);
    } catch (e) {
      error = `write failed: ${(e as Error).message}`;
    }
    if (!error) {
      try {
        await d.lifecycle.reload(t.address);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    await d.db.transaction(async (trx) => {
      await trx('publish_state').where({ target_kind: t.kind, target_id: t.id }).delete();
      await trx('publish_state').insert(
        t.files.map((f) => ({
          target_kind: t.kind,
          target_id: t.id,
          file: f.path,
          hash: f.hash,
          content: f.content,
          published_at: at,
          reloaded_at: error ? null : at,
          reload_ok: !error,
          error,
        })),
      );
    });
    if (error) d.logger.warn({ kind: t.kind, address: t.address, error }, 'publish failed');
    else d.logger.info({ kind: t.kind, address: t.address, files: t.files.length }, 'published and reloaded');
    results.push({ address: t.address, changed: true, reloaded: !error, error });
  }
  return results;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
