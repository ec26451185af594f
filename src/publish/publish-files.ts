import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { writeFileSet } from '../core/files';
import type { Logger } from '../core/logger';
import type { Lifecycle } from '../alertmanager/lifecycle';

export interface PublishTarget {
  kind: 'prometheus' | 'alertmanager';
  /** prometheus_instances.id or alertmanager_instances.id */
  id: number;
  address: string;
  /** Directory the files are written to. */
  dir: string;
  files: { path: string; content: string; hash: string; mode?: number }[];
}

export interface PublishResult {
  address: string;
  changed: boolean;
  reloaded: boolean;
  error: string | null;
}

/**
 * Writes and reloads only what changed: a target whose files all match the hashes last
 * published, and whose last reload succeeded, is left alone. A failed reload is retried on
 * the next publish even without a change, so an instance that comes back gets its config.
 * Each target's outcome (hash, time, error) is recorded in publish_state for the API.
 */
export async function publishFiles(
  d: { db: Knex; lifecycle: Lifecycle; clock: Clock; logger: Logger },
  targets: PublishTarget[],
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const t of targets) {
    const prev = await d.db('publish_state').where({ target_kind: t.kind, target_id: t.id });
    const same =
      prev.length === t.files.length &&
      t.files.every((f) => prev.some((p: any) => p.file === f.path && p.hash === f.hash)) &&
      prev.every((p: any) => p.reload_ok);
    if (same) {
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
