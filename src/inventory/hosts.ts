import { z } from 'zod';
import type { Knex } from 'knex';
import { conflict, invalidField, notFound } from '../core/errors';
import { hostname, ipAddress, labelSet } from '../core/names';
import { parseInput } from '../core/validate';
import { fromJson, isDuplicateKey, toJson, type Db } from '../db/knex';
import { writeAudit, type Actor } from '../db/audit';
import type { ScrapeCache } from '../core/ports';
import { escapeLike } from './tree';

export interface Host {
  id: number;
  hostname: string;
  ip: string;
  labels: Record<string, string>;
  nodeIds: number[];
}

const hostFields = { hostname, ip: ipAddress, labels: labelSet.optional(), nodeIds: z.array(z.number().int().positive()).optional() };
export const hostCreateSchema = z.object(hostFields).strict();
export const hostUpdateSchema = z.object(hostFields).partial().strict();
type HostCreate = z.infer<typeof hostCreateSchema>;

export class HostService {
  constructor(
    private readonly db: Knex,
    private readonly cache: ScrapeCache,
  ) {}

  /** Runs a write transaction, then drops cached http_sd answers (hosts are what they serve). */
  private async write<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const out = await this.db.transaction(fn);
    await this.cache.invalidate();
    return out;
  }

  async list(filter: { nodeId?: number } = {}): Promise<Host[]> {
    const q = this.db('hosts').orderBy('hostname');
    if (filter.nodeId) q.whereIn('id', this.db('node_hosts').where('node_id', filter.nodeId).select('host_id'));
    return this.withNodes(this.db, await q);
  }

  async get(id: number, db: Db = this.db): Promise<Host> {
    const row = await db('hosts').where({ id }).first();
    if (!row) throw notFound('host', id);
    return (await this.withNodes(db, [row]))[0]!;
  }

  /**
   * Hosts bound to any node at or below the given nodes, each once, with the nodes it is
   * bound to among them. This is what http_sd serves.
   */
  async under(nodeIds: number[], db: Db = this.db): Promise<{ nodes: { id: number; name: string; path: string }[]; hosts: Host[] }> {
    if (nodeIds.length === 0) return { nodes: [], hosts: [] };
    const roots = await db('tree_nodes').whereIn('id', nodeIds).select('path');
    if (roots.length === 0) return { nodes: [], hosts: [] };
    const nodes = await db('tree_nodes')
      .where((q) => {
        for (const r of roots) q.orWhere('path', r.path).orWhere('path', 'like', `${escapeLike(r.path)}/%`);
      })
      .select('id', 'name', 'path');
    const ids = nodes.map((n: any) => n.id);
    const rows = await db('hosts as h')
      .join('node_hosts as nh', 'nh.host_id', 'h.id')
      .whereIn('nh.node_id', ids)
      .select('h.id', 'h.hostname', 'h.ip', 'h.labels', 'nh.node_id')
      .orderBy(['h.hostname', 'nh.node_id']);
    const byId = new Map<number, Host>();
    for (const r of rows) {
      let h = byId.get(r.id);
      if (!h) byId.set(r.id, (h = { id: r.id, hostname: r.hostname, ip: r.ip, labels: fromJson(r.labels, {}), nodeIds: [] }));
      h.nodeIds.push(r.node_id);
    }
    return { nodes, hosts: [...byId.values()] };
  }

  async create(input: unknown, actor: Actor): Promise<Host> {
    const h = parseInput(hostCreateSchema, input, 'host');
    return this.write((trx) => this.createIn(trx, h, actor, 'hostname'));
  }

  /** Many hosts in one transaction: one bad or duplicate item writes nothing. */
  async createMany(items: unknown[], actor: Actor): Promise<Host[]> {
    const parsed = items.map((it, i) => parseInput(hostCreateSchema, it, `items[${i}]`));
    return this.write(async (trx) => {
      const out: Host[] = [];
      for (const [i, h] of parsed.entries()) out.push(await this.createIn(trx, h, actor, `items[${i}].hostname`));
      return out;
    });
  }

  private async createIn(trx: Knex.Transaction, h: HostCreate, actor: Actor, path: string): Promise<Host> {
    let id: number;
    try {
      [id] = (await trx('hosts').insert({ hostname: h.hostname, ip: h.ip, labels: toJson(h.labels ?? {}) })) as [number];
    } catch (e) {
      if (isDuplicateKey(e)) throw conflict(`${path}: host ${h.hostname} already exists`, { path });
      throw e;
    }
    if (h.nodeIds?.length) await this.bindIn(trx, Number(id), h.nodeIds);
    const host = await this.get(Number(id), trx);
    await writeAudit(trx, actor, { action: 'create', entity: 'host', entityId: host.id, after: host });
    return host;
  }

  async update(id: number, input: unknown, actor: Actor): Promise<Host> {
    const patch = parseInput(hostUpdateSchema, input, 'host');
    return this.write(async (trx) => {
      const before = await this.get(id, trx);
      const row = {
        ...(patch.hostname !== undefined && { hostname: patch.hostname }),
        ...(patch.ip !== undefined && { ip: patch.ip }),
        ...(patch.labels !== undefined && { labels: toJson(patch.labels) }),
      };
      try {
        await trx('hosts').where({ id }).update({ ...row, updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`host ${patch.hostname} already exists`);
        throw e;
      }
      if (patch.nodeIds !== undefined) {
        await trx('node_hosts').where({ host_id: id }).delete();
        await this.bindIn(trx, id, patch.nodeIds);
      }
      const after = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'update', entity: 'host', entityId: id, before, after });
      return after;
    });
  }

  async delete(id: number, actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      const before = await this.get(id, trx);
      await trx('hosts').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'host', entityId: id, before });
    });
  }

  /** Binds hosts to a leaf node (idempotent). */
  async bind(nodeId: number, hostIds: number[], actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      const known = new Set((await trx('hosts').whereIn('id', hostIds).pluck('id')).map(Number));
      const missing = hostIds.findIndex((h) => !known.has(h));
      if (missing >= 0) throw invalidField(`hostIds[${missing}]`, `host ${hostIds[missing]} does not exist`);
      for (const hostId of hostIds) await this.bindIn(trx, hostId, [nodeId]);
      await writeAudit(trx, actor, { action: 'bind', entity: 'tree_node', entityId: nodeId, after: { hostIds } });
    });
  }

  async unbind(nodeId: number, hostIds: number[], actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      await trx('node_hosts').where({ node_id: nodeId }).whereIn('host_id', hostIds).delete();
      await writeAudit(trx, actor, { action: 'unbind', entity: 'tree_node', entityId: nodeId, before: { hostIds } });
    });
  }

  private async bindIn(trx: Knex.Transaction, hostId: number, nodeIds: number[]): Promise<void> {
    if (nodeIds.length === 0) return;
    const nodes = await trx('tree_nodes as n')
      .whereIn('n.id', nodeIds)
      .select('n.id', 'n.path', trx.raw('EXISTS (SELECT 1 FROM tree_nodes c WHERE c.parent_id = n.id) AS has_children'))
      .forShare();
    for (const [i, nodeId] of nodeIds.entries()) {
      const n = nodes.find((x: any) => x.id === nodeId);
      if (!n) throw invalidField(`nodeIds[${i}]`, `tree node ${nodeId} does not exist`);
      if (Number(n.has_children)) throw invalidField(`nodeIds[${i}]`, `${n.path} has children; only leaves carry hosts`);
    }
    await trx('node_hosts')
      .insert(nodeIds.map((node_id) => ({ node_id, host_id: hostId })))
      .onConflict()
      .ignore();
  }

  private async withNodes(db: Db, rows: any[]): Promise<Host[]> {
    const ids = rows.map((r) => r.id);
    const links = ids.length ? await db('node_hosts').whereIn('host_id', ids).orderBy('node_id') : [];
    const byHost = new Map<number, number[]>();
    for (const l of links) byHost.set(l.host_id, [...(byHost.get(l.host_id) ?? []), l.node_id]);
    return rows.map((r) => ({ id: r.id, hostname: r.hostname, ip: r.ip, labels: fromJson(r.labels, {}), nodeIds: byHost.get(r.id) ?? [] }));
  }
}
