import { z } from 'zod';
import type { Knex } from 'knex';
import { conflict, invalidField, notFound } from '../core/errors';
import { parseInput } from '../core/validate';
import { duplicateKeyName, isDuplicateKey, isRowReferenced, type Db } from '../db/knex';
import { writeAudit, type Actor } from '../db/audit';

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
  id: number;
  name: string;
  email: string | null;
  feishuOpenId: string | null;
  feishuUserId: string | null;
  role: Role;
}

/** A role may do what the roles below it may do. */
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
export const hasRole = (user: Pick<User, 'role'>, needed: Role): boolean => RANK[user.role] >= RANK[needed];

// Display names may hold spaces and non-ASCII ("张三", "Li Wei"); other names use entityName.
const displayName = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const userFields = {
  name: displayName,
  email: z.string().trim().email('must be an email address').nullable().optional(),
  feishuOpenId: z.string().trim().regex(/^ou_[A-Za-z0-9_-]+$/, 'must be a Feishu open_id (ou_...)').nullable().optional(),
  feishuUserId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Feishu user_id').nullable().optional(),
  role: z.enum(['admin', 'editor', 'viewer']).optional(),
};
export const userCreateSchema = z.object(userFields).strict();
export const userUpdateSchema = z.object(userFields).partial().strict();
export type UserCreate = z.infer<typeof userCreateSchema>;
export type UserUpdate = z.infer<typeof userUpdateSchema>;

const toRow = (u: UserUpdate) => ({
  ...(u.name !== undefined && { name: u.name }),
  ...(u.email !== undefined && { email: u.email }),
  ...(u.feishuOpenId !== undefined && { feishu_open_id: u.feishuOpenId }),
  ...(u.feishuUserId !== undefined && { feishu_user_id: u.feishuUserId }),
  ...(u.role !== undefined && { role: u.role }),
});

export const fromUserRow = (r: any): User => ({
  id: r.id,
  name: r.name,
  email: r.email,
  feishuOpenId: r.feishu_open_id,
  feishuUserId: r.feishu_user_id,
  role: r.role,
});

/** Names the unique key a duplicate hit, from MySQL's message. */
function duplicateField(e: unknown): string {
  const key = duplicateKeyName(e);
  return (['email', 'feishu_open_id', 'feishu_user_id', 'name'] as const).find((f) => key === `users_${f}_unique`) ?? 'name';
}

export class UserService {
  constructor(private readonly db: Knex) {}

  async list(filter: { role?: Role } = {}): Promise<User[]> {
    const q = this.db('users').orderBy('id');
    if (filter.role) q.where('role', filter.role);
    return (await q).map(fromUserRow);
  }

  async get(id: number, db: Db = this.db): Promise<User> {
    const row = await db('users').where({ id }).first();
    if (!row) throw notFound('user', id);
    return fromUserRow(row);
  }

  async findByOpenId(openId: string): Promise<User | null> {
    const row = await this.db('users').where({ feishu_open_id: openId }).first();
    return row ? fromUserRow(row) : null;
  }

  /** Throws a validation error naming the first id that does not exist. */
  async requireIds(db: Db, ids: number[], path: string): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set((await db('users').whereIn('id', ids).pluck('id')).map(Number));
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) throw invalidField(`${path}[${missing}]`, `user ${ids[missing]} does not exist`);
  }

  async create(input: unknown, actor: Actor): Promise<User> {
    return this.db.transaction((trx) => this.createIn(trx, parseInput(userCreateSchema, input, 'user'), actor));
  }

  /** Creates many users in one transaction: one bad item writes nothing. */
  async createMany(items: unknown[], actor: Actor): Promise<User[]> {
    const parsed = items.map((it, i) => parseInput(userCreateSchema, it, `items[${i}]`));
    return this.db.transaction(async (trx) => {
      const out: User[] = [];
      for (const [i, u] of parsed.entries()) {
        try {
          out.push(await this.createIn(trx, u, actor));
        } catch (e) {
          if ((e as { code?: string }).code === 'conflict') throw conflict(`items[${i}]: ${(e as Error).message}`, { index: i });
          throw e;
        }
      }
      return out;
    });
  }

  private async createIn(trx: Knex.Transaction, u: UserCreate, actor: Actor): Promise<User> {
    try {
      const [id] = await trx('users').insert({ role: 'viewer', ...toRow(u) });
      const user = await this.get(Number(id), trx);
      await writeAudit(trx, actor, { action: 'create', entity: 'user', entityId: user.id, after: user });
      return user;
    } catch (e) {
      if (isDuplicateKey(e)) throw conflict(`a user with this ${duplicateField(e)} already exists`, { field: duplicateField(e) });
      throw e;
    }
  }

  async update(id: number, input: unknown, actor: Actor): Promise<User> {
    const patch = parseInput(userUpdateSchema, input, 'user');
    return this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      try {
        await trx('users').where({ id }).update({ ...toRow(patch), updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`a user with this ${duplicateField(e)} already exists`, { field: duplicateField(e) });
        throw e;
      }
      const after = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'update', entity: 'user', entityId: id, before, after });
      return after;
    });
  }

  async delete(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      try {
        await trx('users').where({ id }).delete();
      } catch (e) {
        if (isRowReferenced(e))
          throw conflict(`user ${id} is still on an on-call rotation, send group or escalation; remove them there first`);
        throw e;
      }
      await writeAudit(trx, actor, { action: 'delete', entity: 'user', entityId: id, before });
    });
  }
}
