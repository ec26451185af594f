import { z } from 'zod';
import type { Knex } from 'knex';
import { conflict, invalidField, notFound } from '../core/errors';
import { entityName } from '../core/names';
import { parseInput } from '../core/validate';
import { isDuplicateKey, type Db } from '../db/knex';
import { writeAudit, type Actor } from '../db/audit';
import type { ConfigPublisher, ScrapeCache } from '../core/ports';

/**
 * The service tree. Rules:
 * - a node's name is unique under its parent; its path is `/a/b/c` and unique overall;
 * - only leaves carry hosts: a node with hosts cannot get children, and binding hosts to a
 *   node with children is refused (hosts describe machines, inner nodes group services);
 * - moving a node moves its whole subtree (paths rewritten in one transaction); a node
 *   cannot move under itself or its descendants;
 * - deleting a node with children is refused unless `recursive`; deleting drops the node's
 *   host bindings (hosts themselves stay), removes it from scrape jobs' http_sd node lists,
 *   and clears it from alert rules (their tree_node_id becomes null).
 */
export interface TreeNode {
  id: number;
  parentId: number | null;
  name: string;
  path: string;
  depth: number;
}

export interface Leaf extends TreeNode {
  hostCount: number;
}

export const nodeCreateSchema = z.object({ name: entityName, parentId: z.number().int().positive().nullable().optional() }).strict();
export const nodeUpdateSchema = z
  .object({ name: entityName.optional(), parentId: z.number().int().positive().nullable().optional() })
  .strict();

export const fromNodeRow = (r: any): TreeNode => ({
  id: r.id,
  parentId: r.parent_id,
  name: r.name,
  path: r.path,
  depth: r.depth,
});

const childPath = (parent: TreeNode | null, name: string) => (parent ? `${parent.path}/${name}` : `/${name}`);

export class TreeService {
  constructor(
    private readonly db: Knex,
    private readonly cache: ScrapeCache,
    private readonly publisher: ConfigPublisher,
  ) {}

  /**
   * After a rename, move or delete: http_sd answers change, and so do the `tree_path`
   * annotations of alert rules under the subtree, whose pools must be republished.
   */
  private async afterChange(poolIds: number[]): Promise<void> {
    await this.cache.invalidate();
    for (const id of poolIds) await this.publisher.schedulePool(id);
  }

  private async poolsWithRulesUnder(db: Db, nodeIds: number[]): Promise<number[]> {
    if (!nodeIds.length) return [];
    return (await db('alert_rules').whereIn('tree_node_id', nodeIds).distinct('pool_id').pluck('pool_id')).map(Number);
  }

  async list(): Promise<TreeNode[]> {
    return (await this.db('tree_nodes').orderBy('path')).map(fromNodeRow);
  }

  async get(id: number, db: Db = this.db): Promise<TreeNode> {
    const row = await db('tree_nodes').where({ id }).first();
    if (!row) throw notFound('tree node', id);
    return fromNodeRow(row);
  }

  /** Every leaf (node without children) with its full path and number of hosts. */
  async leaves(): Promise<Leaf[]> {
    const rows = await this.db('tree_nodes as n')
      .leftJoin('tree_nodes as c', 'c.parent_id', 'n.id')
      .whereNull('c.id')
      .select('n.*', this.db.raw('(SELECT COUNT(*) FROM node_hosts nh WHERE nh.node_id = n.id) AS host_count'))
      .orderBy('n.path');
    return rows.map((r: any) => ({ ...fromNodeRow(r), hostCount: Number(r.host_count) }));
  }

  /** The node and every node below it. */
  async subtree(id: number, db: Db = this.db): Promise<TreeNode[]> {
    const root = await this.get(id, db);
    const rows = await db('tree_nodes')
      .where('id', id)
      .orWhere('path', 'like', `${escapeLike(root.path)}/%`)
      .orderBy('path');
    return rows.map(fromNodeRow);
  }

  async create(input: unknown, actor: Actor): Promise<TreeNode> {
    const { name, parentId } = parseInput(nodeCreateSchema, input, 'tree node');
    return this.db.transaction(async (trx) => {
      const parent = parentId ? await this.requireParent(trx, parentId) : null;
      if (parent && (await trx('node_hosts').where({ node_id: parent.id }).first()))
        throw conflict(`node ${parent.path} carries hosts; only leaves carry hosts, so it cannot get children`);
      try {
        const [id] = await trx('tree_nodes').insert({
          parent_id: parent?.id ?? null,
          name,
          path: childPath(parent, name),
          depth: parent ? parent.depth + 1 : 0,
        });
        const node = await this.get(Number(id), trx);
        await writeAudit(trx, actor, { action: 'create', entity: 'tree_node', entityId: node.id, after: node });
        return node;
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`${childPath(parent, name)} already exists`);
        throw e;
      }
    });
  }

  /** Renames and/or moves a node; the subtree's paths follow. */
  async update(id: number, input: unknown, actor: Actor): Promise<TreeNode> {
    const patch = parseInput(nodeUpdateSchema, input, 'tree node');
    let pools: number[] = [];
    const node = await this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      const parentId = patch.parentId === undefined ? before.parentId : patch.parentId;
      const name = patch.name ?? before.name;
      const parent = parentId ? await this.requireParent(trx, parentId) : null;
      if (parent && (parent.id === id || parent.path.startsWith(`${before.path}/`)))
        throw invalidField('parentId', 'a node cannot move under itself or its own descendants');
      if (parent && parent.id !== before.parentId && (await trx('node_hosts').where({ node_id: parent.id }).first()))
        throw conflict(`node ${parent.path} carries hosts; only leaves carry hosts, so it cannot get children`);
      const path = childPath(parent, name);
      const depthDelta = (parent ? parent.depth + 1 : 0) - before.depth;
      try {
        // Descendants first by prefix, then the node itself; one statement each keeps it O(1) round trips.
        await trx('tree_nodes')
          .where('path', 'like', `${escapeLike(before.path)}/%`)
          .update({
            path: trx.raw('CONCAT(?, SUBSTRING(path, ?))', [path, before.path.length + 1]),
            depth: trx.raw('depth + ?', [depthDelta]),
            updated_at: trx.fn.now(3),
          });
        await trx('tree_nodes')
          .where({ id })
          .update({ parent_id: parent?.id ?? null, name, path, depth: before.depth + depthDelta, updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`${path} already exists`);
        throw e;
      }
      const after = await this.get(id, trx);
      await writeAudit(trx, actor, { action: before.parentId === after.parentId ? 'rename' : 'move', entity: 'tree_node', entityId: id, before, after });
      pools = await this.poolsWithRulesUnder(trx, (await this.subtree(id, trx)).map((n) => n.id));
      return after;
    });
    await this.afterChange(pools);
    return node;
  }

  async delete(id: number, opts: { recursive?: boolean }, actor: Actor): Promise<{ deleted: number[] }> {
    let pools: number[] = [];
    const result = await this.db.transaction(async (trx) => {
      const nodes = await this.subtree(id, trx);
      if (nodes.length > 1 && !opts.recursive)
        throw conflict(`node ${nodes[0]!.path} has ${nodes.length - 1} descendant(s); delete them first or pass recursive=true`, {
          children: nodes.length - 1,
        });
      const ids = nodes.map((n) => n.id);
      pools = await this.poolsWithRulesUnder(trx, ids);
      // Deepest first so the parent foreign key (RESTRICT) never sees an orphan.
      for (const n of [...nodes].sort((a, b) => b.depth - a.depth)) await trx('tree_nodes').where({ id: n.id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'tree_node', entityId: id, before: nodes });
      return { deleted: ids };
    });
    await this.afterChange(pools);
    return result;
  }

  private async requireParent(db: Db, parentId: number): Promise<TreeNode> {
    const row = await db('tree_nodes').where({ id: parentId }).forUpdate().first();
    if (!row) throw invalidField('parentId', `tree node ${parentId} does not exist`);
    return fromNodeRow(row);
  }
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
