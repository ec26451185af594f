import type { Knex } from 'knex';
import { conflict } from '../core/errors';
import { duplicateKeyName, isDuplicateKey, type Db } from '../db/knex';

/**
 * Managed instances (Prometheus of a pool, Alertmanager of a cluster) share one shape:
 * a `host:port` unique across owners, health from the probes, and a publish history in
 * publish_state. These helpers serve both kinds.
 */
export type InstanceKind = 'prometheus' | 'alertmanager';

export const INSTANCE_TABLES: Record<InstanceKind, { table: string; owner: string; ownerLabel: string; ownerTable: string }> = {
  prometheus: { table: 'prometheus_instances', owner: 'pool_id', ownerLabel: 'pool', ownerTable: 'scrape_pools' },
  alertmanager: { table: 'alertmanager_instances', owner: 'cluster_id', ownerLabel: 'Alertmanager cluster', ownerTable: 'alertmanager_clusters' },
};

export interface PublishStatus {
  file: string;
  hash: string;
  publishedAt: Date;
  reloadOk: boolean | null;
  error: string | null;
}

/** A newer file set that promtool / amtool refused: not written, the instance runs `publish`'s files. */
export interface PublishRefusal {
  at: Date;
  error: string;
}

export interface ManagedInstanceView {
  id: number;
  address: string;
  healthy: boolean;
  lastProbeAt: Date | null;
  publish: PublishStatus[];
  refused: PublishRefusal | null;
}

/** Deletes what publish_state and publish_refusals hold for these instances. */
export async function forgetPublishes(trx: Knex.Transaction, kind: InstanceKind, ids: number[]): Promise<void> {
  if (!ids.length) return;
  for (const table of ['publish_state', 'publish_refusals']) await trx(table).where('target_kind', kind).whereIn('target_id', ids).delete();
}

/** Refuses addresses another owner already has: 409 naming `instances[i]` and the owner. */
export async function checkAddressesFree(db: Db, kind: InstanceKind, addresses: string[], ownerId: number | null): Promise<void> {
  if (addresses.length === 0) return;
  const t = INSTANCE_TABLES[kind];
  const taken = await db(`${t.table} as i`)
    .join(`${t.ownerTable} as o`, 'o.id', `i.${t.owner}`)
    .whereIn('i.address', addresses)
    .modify((q) => (ownerId ? q.whereNot(`i.${t.owner}`, ownerId) : q))
    .select('i.address', 'o.name');
  if (!taken.length) return;
  const { address, name } = taken[0];
  const path = `instances[${addresses.indexOf(address)}]`;
  throw conflict(`${path}: ${address} already belongs to ${t.ownerLabel} ${name}`, { path, owner: name });
}

/**
 * Makes the owner's instances exactly `addresses`. An address kept keeps its id, health and
 * publish history; a removed one loses its publish_state too.
 */
export async function syncInstances(trx: Knex.Transaction, kind: InstanceKind, ownerId: number, addresses: string[]): Promise<void> {
  const t = INSTANCE_TABLES[kind];
  const existing = await trx(t.table).where(t.owner, ownerId);
  const gone = existing.filter((r: any) => !addresses.includes(r.address)).map((r: any) => r.id);
  if (gone.length) {
    await forgetPublishes(trx, kind, gone);
    await trx(t.table).whereIn('id', gone).delete();
  }
  const fresh = addresses.filter((a) => !existing.some((r: any) => r.address === a));
  if (!fresh.length) return;
  try {
    await trx(t.table).insert(fresh.map((address) => ({ [t.owner]: ownerId, address })));
  } catch (e) {
    // A concurrent writer took the address between the check and the insert.
    if (isDuplicateKey(e)) throw conflict(`an instance is already used by another ${t.ownerLabel} (${duplicateKeyName(e)})`);
    throw e;
  }
}

/** Every instance of the owners with health and publish state, keyed by owner id. */
export async function instanceViews(db: Db, kind: InstanceKind, ownerIds: number[]): Promise<Map<number, ManagedInstanceView[]>> {
  const t = INSTANCE_TABLES[kind];
  const out = new Map<number, ManagedInstanceView[]>(ownerIds.map((id) => [id, []]));
  if (!ownerIds.length) return out;
  const rows = await db(t.table).whereIn(t.owner, ownerIds).orderBy('id');
  const ids = rows.map((i: any) => i.id);
  const state = ids.length
    ? await db('publish_state').where('target_kind', kind).whereIn('target_id', ids).select('target_id', 'file', 'hash', 'published_at', 'reload_ok', 'error').orderBy('file')
    : [];
  const refusals = ids.length ? await db('publish_refusals').where('target_kind', kind).whereIn('target_id', ids) : [];
  for (const i of rows) {
    out.get(i[t.owner])?.push({
      id: i.id,
      address: i.address,
      healthy: Boolean(i.healthy),
      lastProbeAt: i.last_probe_at,
      publish: state
        .filter((s: any) => s.target_id === i.id)
        .map((s: any) => ({ file: s.file, hash: s.hash, publishedAt: s.published_at, reloadOk: s.reload_ok == null ? null : Boolean(s.reload_ok), error: s.error })),
      refused: refusalOf(refusals.find((r: any) => r.target_id === i.id)),
    });
  }
  return out;
}

const refusalOf = (row: any): PublishRefusal | null => (row ? { at: row.refused_at, error: row.error } : null);
