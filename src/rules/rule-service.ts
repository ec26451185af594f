import type { Knex } from 'knex';
import type { z } from 'zod';
import { invalidField, notFound, type AppError } from '../core/errors';
import type { ConfigPublisher } from '../core/ports';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import type { Db } from '../db/knex';
import { scrapeOnlyRulesProblem, shardedRulesProblem } from '../scrape/topology';

export interface RuleFilter {
  poolId?: number;
  sendGroupId?: number;
  enabled?: boolean;
  /** Substring of the name (alert name, record name) or the expression, case-insensitive. */
  q?: string;
}

/** What differs between alert and record rules; the service does the rest the same way. */
export interface RuleKind<T extends { id: number; poolId: number }, I extends { poolId: number }> {
  table: 'alert_rules' | 'record_rules';
  /** Audit entity (`alert_rule`). */
  entity: string;
  /** For messages (`alert rule`). */
  noun: string;
  nameColumn: string;
  createSchema: z.ZodType<I>;
  updateSchema: z.ZodType<Partial<I>>;
  /** Filters this kind supports, by column. */
  filterColumns: Partial<Record<'poolId' | 'sendGroupId', string>>;
  /** Extra joins/columns for the view; the table is aliased `r`. */
  select(q: Knex.QueryBuilder): Knex.QueryBuilder;
  fromRow(row: any): T;
  toRow(input: I): Record<string, unknown>;
  /** The editable fields of a stored rule, to merge a patch onto. */
  editable(rule: T): Record<string, unknown>;
  /** Checks beyond the schema: PromQL, referenced rows. Throws naming the field. */
  check(db: Db, input: I): Promise<void>;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Alert and record rules: CRUD, and enable/disable/delete in batches where one unknown id
 * changes nothing. Each write is one transaction with an audit row; afterwards the pools
 * whose rule files change are republished (both pools when a rule moves).
 */
export class RuleService<T extends { id: number; poolId: number }, I extends { poolId: number }> {
  constructor(
    protected readonly db: Knex,
    private readonly publisher: ConfigPublisher,
    private readonly kind: RuleKind<T, I>,
  ) {}

  list(filter: RuleFilter = {}, limit?: number): Promise<T[]> {
    return this.load(this.db, (q) => {
      for (const key of ['poolId', 'sendGroupId'] as const) {
        const column = this.kind.filterColumns[key];
        if (filter[key] !== undefined && column) q.where(`r.${column}`, filter[key]);
      }
      if (filter.enabled !== undefined) q.where('r.enabled', filter.enabled);
      if (filter.q) {
        const like = `%${escapeLike(filter.q)}%`;
        q.where((w) => w.where(`r.${this.kind.nameColumn}`, 'like', like).orWhere('r.expr', 'like', like));
      }
      return limit ? q.limit(limit) : q;
    });
  }

  /** For chat: a rule id, or a name/expression substring; at most `limit` rules, by id. */
  search(filter: string, limit = 50): Promise<T[]> {
    const text = filter.trim();
    if (/^\d+$/.test(text)) return this.load(this.db, (q) => q.where('r.id', Number(text)));
    return this.list(text ? { q: text } : {}, limit);
  }

  get(id: number): Promise<T> {
    return this.getIn(this.db, id);
  }

  async create(body: unknown, actor: Actor): Promise<T> {
    const input = parseInput(this.kind.createSchema, body, this.kind.noun);
    const rule = await this.db.transaction(async (trx) => {
      await this.kind.check(trx, input);
      const [id] = (await trx(this.kind.table).insert(this.kind.toRow(input))) as [number];
      const created = await this.getIn(trx, id);
      await writeAudit(trx, actor, { action: 'create', entity: this.kind.entity, entityId: id, after: created });
      return created;
    });
    await this.publisher.schedulePool(rule.poolId);
    return rule;
  }

  async update(id: number, body: unknown, actor: Actor): Promise<T> {
    const patch = parseInput(this.kind.updateSchema, body, this.kind.noun);
    const [before, after] = await this.db.transaction(async (trx) => {
      const old = await this.getIn(trx, id, true);
      const merged = parseInput(this.kind.createSchema, { ...this.kind.editable(old), ...patch }, this.kind.noun);
      await this.kind.check(trx, merged);
      await trx(this.kind.table).where({ id }).update({ ...this.kind.toRow(merged), updated_at: trx.fn.now(3) });
      const updated = await this.getIn(trx, id);
      await writeAudit(trx, actor, { action: 'update', entity: this.kind.entity, entityId: id, before: old, after: updated });
      return [old, updated] as const;
    });
    await this.schedule([before.poolId, after.poolId]);
    return after;
  }

  async delete(id: number, actor: Actor): Promise<void> {
    await this.remove([id], actor, () => notFound(this.kind.noun, id));
  }

  /** Enables or disables several rules; one unknown id (`ids[i]`) changes nothing. */
  async setEnabled(ids: number[], enabled: boolean, actor: Actor): Promise<T[]> {
    const rules = await this.db.transaction(async (trx) => {
      await this.lockExisting(trx, ids, this.unknownId(ids));
      await trx(this.kind.table).whereIn('id', ids).update({ enabled, updated_at: trx.fn.now(3) });
      await writeAudit(trx, actor, { action: enabled ? 'enable' : 'disable', entity: this.kind.entity, entityId: ids.join(','), after: { ids } });
      return this.load(trx, (q) => q.whereIn('r.id', ids));
    });
    await this.schedule(rules.map((r) => r.poolId));
    return rules;
  }

  /** Deletes several rules; one unknown id (`ids[i]`) deletes nothing. */
  async deleteMany(ids: number[], actor: Actor): Promise<void> {
    await this.remove(ids, actor, this.unknownId(ids));
  }

  private async remove(ids: number[], actor: Actor, unknown: (index: number) => AppError): Promise<void> {
    const rules = await this.db.transaction(async (trx) => {
      const found = await this.lockExisting(trx, ids, unknown);
      await trx(this.kind.table).whereIn('id', ids).delete();
      for (const rule of found) await writeAudit(trx, actor, { action: 'delete', entity: this.kind.entity, entityId: rule.id, before: rule });
      return found;
    });
    await this.schedule(rules.map((r) => r.poolId));
  }

  private unknownId(ids: number[]): (index: number) => AppError {
    return (i) => invalidField(`ids[${i}]`, `${this.kind.noun} ${ids[i]} does not exist`);
  }

  /** Locks the rules' rows (not the joined ones) and loads them; throws for the first unknown id. */
  private async lockExisting(trx: Knex.Transaction, ids: number[], unknown: (index: number) => AppError): Promise<T[]> {
    const found = new Set((await trx(this.kind.table).whereIn('id', ids).forUpdate().pluck('id')).map(Number));
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) throw unknown(missing);
    return this.load(trx, (q) => q.whereIn('r.id', ids));
  }

  private async schedule(poolIds: number[]): Promise<void> {
    for (const poolId of new Set(poolIds)) await this.publisher.schedulePool(poolId);
  }

  private async getIn(db: Db, id: number, lock = false): Promise<T> {
    if (lock) await db(this.kind.table).where({ id }).forUpdate().first();
    const [rule] = await this.load(db, (q) => q.where('r.id', id));
    if (!rule) throw notFound(this.kind.noun, id);
    return rule;
  }

  private async load(db: Db, scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<T[]> {
    const rows = await scope(this.kind.select(db(`${this.kind.table} as r`))).orderBy('r.id');
    return rows.map((r: any) => this.kind.fromRow(r));
  }
}

/** The pool exists and its rules would see all their data (topology.ts); otherwise 400 with the fix. */
export async function requirePool(db: Db, poolId: number): Promise<void> {
  const pool = await db('scrape_pools').where({ id: poolId }).first('role');
  if (!pool) throw invalidField('poolId', `scrape pool ${poolId} does not exist`);
  if (pool.role === 'scrape') throw invalidField('poolId', scrapeOnlyRulesProblem.message);
  if (pool.role === 'both') {
    const instances = Number((await db('prometheus_instances').where({ pool_id: poolId }).count({ n: '*' }))[0]!.n);
    if (instances > 1) throw invalidField('poolId', shardedRulesProblem(instances).message);
  }
}
