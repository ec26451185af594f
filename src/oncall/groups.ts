import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { conflict } from '../core/errors';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { isDuplicateKey, isRowReferenced, type Db } from '../db/knex';
import type { UserService } from '../users/users';
import { groupCreateSchema, groupUpdateSchema, type GroupInput } from './group-schema';
import type { OncallNowCache } from './now-cache';
import { rosterDayAt } from './roster';
import { loadGroup, loadGroups, refreshCurrentHistory, type OncallGroup } from './store';

export type { OncallGroup } from './store';

const toGroupRow = (g: GroupInput) => ({
  name: g.name,
  shift_days: g.shiftDays,
  start_date: g.startDate,
  handoff_time: g.handoffTime,
  timezone: g.timezone,
  notice_lead_minutes: g.noticeLeadMinutes,
  feishu_chat_id: g.feishuChatId,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * On-call groups: ordered members (user ids), shift length, start date, handoff time and
 * zone, and the chat handoffs are announced in. Members are stored as positions; history
 * rows point at users directly, so changing or removing members never rewrites the past
 * (only today's provisional row follows the new rotation, see refreshCurrentHistory).
 */
export class OncallGroupService {
  constructor(
    private readonly db: Knex,
    private readonly users: UserService,
    private readonly cache: OncallNowCache,
    private readonly clock: Clock,
    /** settings.timezone: the zone of a group created without one. */
    private readonly defaultTimezone: string,
  ) {}

  list(): Promise<OncallGroup[]> {
    return loadGroups(this.db);
  }

  get(id: number): Promise<OncallGroup> {
    return loadGroup(this.db, id);
  }

  async findByName(name: string): Promise<OncallGroup | null> {
    const row = await this.db('oncall_groups').where({ name }).first('id');
    return row ? loadGroup(this.db, row.id) : null;
  }

  async create(input: unknown, actor: Actor): Promise<OncallGroup> {
    const g = parseInput(groupCreateSchema, isObject(input) ? { timezone: this.defaultTimezone, ...input } : input, 'on-call group');
    return this.db.transaction(async (trx) => {
      await this.users.requireIds(trx, g.members, 'members');
      let id: number;
      try {
        [id] = (await trx('oncall_groups').insert(toGroupRow(g))) as [number];
      } catch (e) {
        throw this.nameTaken(e, g.name);
      }
      await this.setMembers(trx, id, g.members);
      const created = await loadGroup(trx, id);
      await writeAudit(trx, actor, { action: 'create', entity: 'oncall_group', entityId: id, after: created });
      return created;
    });
  }

  async update(id: number, input: unknown, actor: Actor): Promise<OncallGroup> {
    const patch = parseInput(groupUpdateSchema, input, 'on-call group');
    const after = await this.db.transaction(async (trx) => {
      const before = await loadGroup(trx, id, true);
      const { id: _id, ...stored } = before;
      const merged = parseInput(groupCreateSchema, { ...stored, ...patch }, 'on-call group');
      await this.users.requireIds(trx, merged.members, 'members');
      try {
        await trx('oncall_groups').where({ id }).update({ ...toGroupRow(merged), updated_at: trx.fn.now(3) });
      } catch (e) {
        throw this.nameTaken(e, merged.name);
      }
      await this.setMembers(trx, id, merged.members);
      const updated = await loadGroup(trx, id);
      await refreshCurrentHistory(trx, updated, rosterDayAt(updated, this.clock.now()));
      await writeAudit(trx, actor, { action: 'update', entity: 'oncall_group', entityId: id, before, after: updated });
      return updated;
    });
    await this.cache.drop(id);
    return after;
  }

  /** Refused (409, naming them) while a send group pages this group; history and swaps go with it. */
  async delete(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await loadGroup(trx, id, true);
      const users = await trx('send_groups').where({ oncall_group_id: id }).orderBy('name').select('id', 'name');
      if (users.length) throw this.inUse(before, users);
      try {
        await trx('oncall_groups').where({ id }).delete();
      } catch (e) {
        // A send group pointed at it after the check.
        if (isRowReferenced(e)) throw this.inUse(before, await trx('send_groups').where({ oncall_group_id: id }).select('id', 'name'));
        throw e;
      }
      await writeAudit(trx, actor, { action: 'delete', entity: 'oncall_group', entityId: id, before });
    });
    await this.cache.drop(id);
  }

  private inUse(group: OncallGroup, sendGroups: { id: number; name: string }[]) {
    const names = sendGroups.map((s) => s.name).join(', ');
    return conflict(
      `on-call group ${group.name} is used by send group(s) ${names}; point them at another on-call group first`,
      { sendGroups: sendGroups.map((s) => ({ id: s.id, name: s.name })) },
    );
  }

  private nameTaken(e: unknown, name: string): unknown {
    return isDuplicateKey(e) ? conflict(`an on-call group named ${name} already exists`, { field: 'name' }) : e;
  }

  private async setMembers(db: Db, groupId: number, members: number[]): Promise<void> {
    await db('oncall_members').where({ group_id: groupId }).delete();
    if (members.length)
      await db('oncall_members').insert(members.map((user_id, position) => ({ group_id: groupId, user_id, position })));
  }
}
