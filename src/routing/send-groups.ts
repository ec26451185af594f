import type { Knex } from 'knex';
import { conflict, invalidField, notFound } from '../core/errors';
import type { ConfigPublisher } from '../core/ports';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { isDuplicateKey, type Db } from '../db/knex';
import type { UserService } from '../users/users';
import { resolveForAlert, type AlertDestination } from './alert-destination';
import { loadSendGroups, redactSendGroup, replaceMembers, toSendGroupRow, type SendGroup } from './send-group-rows';
import { REDACTED, sendGroupCreateSchema, sendGroupUpdateSchema, type SendGroupInput, type SendGroupPatch } from './send-group-schema';

export interface SendGroupFilter {
  alertmanagerClusterId?: number;
  enabled?: boolean;
}

/**
 * The secret after a patch: kept when the patch leaves it out or sends back the redacted
 * placeholder (a client saving what it read), dropped with the webhook URL.
 */
function nextSecret(stored: SendGroup, patch: SendGroupPatch): string | null {
  if (patch.webhookSecret !== undefined && patch.webhookSecret !== REDACTED) return patch.webhookSecret;
  return patch.webhookUrl === null ? null : stored.webhookSecret;
}

const nameTaken = (name: string) => conflict(`a send group named ${name} already exists`, { field: 'name' });

/**
 * Send groups: where an alert goes (Alertmanager route, Feishu chat, webhook bot, users,
 * on-call, escalation). Each write is one transaction with an audit row; users and
 * escalation levels are replaced as whole sets. Every change republishes the affected
 * clusters' alertmanager.yml. The webhook secret never leaves through the API.
 */
export class SendGroupService {
  constructor(
    private readonly db: Knex,
    private readonly publisher: ConfigPublisher,
    private readonly users: UserService,
  ) {}

  async list(filter: SendGroupFilter = {}): Promise<SendGroup[]> {
    const groups = await loadSendGroups(this.db, (q) =>
      q.modify((b) => {
        if (filter.alertmanagerClusterId) b.where('alertmanager_cluster_id', filter.alertmanagerClusterId);
        if (filter.enabled !== undefined) b.where('enabled', filter.enabled);
      }),
    );
    return groups.map(redactSendGroup);
  }

  async get(id: number): Promise<SendGroup> {
    return redactSendGroup(await this.getFull(this.db, id));
  }

  /** Where an alert carrying this `send_group` label goes; see alert-destination.ts. */
  resolveForAlert(sendGroupIdLabel: string | undefined): Promise<AlertDestination | null> {
    return resolveForAlert(this.db, sendGroupIdLabel);
  }

  async create(input: unknown, actor: Actor): Promise<SendGroup> {
    const g = parseInput(sendGroupCreateSchema, input, 'send group');
    const { group, clusters } = await this.db.transaction(async (trx) => {
      await this.check(trx, g);
      let id: number;
      try {
        [id] = (await trx('send_groups').insert(toSendGroupRow(g))) as [number];
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(g.name);
        throw e;
      }
      await replaceMembers(trx, id, g);
      const unset = g.isDefault ? await this.unsetOtherDefaults(trx, id, actor) : [];
      const created = await this.getFull(trx, id);
      await writeAudit(trx, actor, { action: 'create', entity: 'send_group', entityId: id, after: redactSendGroup(created) });
      return { group: created, clusters: [created.alertmanagerClusterId, ...unset] };
    });
    await this.schedule(clusters);
    return redactSendGroup(group);
  }

  async update(id: number, input: unknown, actor: Actor): Promise<SendGroup> {
    const patch = parseInput(sendGroupUpdateSchema, input, 'send group');
    const { group, clusters } = await this.db.transaction(async (trx) => {
      const before = await this.getFull(trx, id, true);
      const { id: _id, ...stored } = before;
      const merged = parseInput(sendGroupCreateSchema, { ...stored, ...patch, webhookSecret: nextSecret(before, patch) }, 'send group');
      await this.check(trx, merged);
      try {
        await trx('send_groups').where({ id }).update({ ...toSendGroupRow(merged), updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(merged.name);
        throw e;
      }
      await replaceMembers(trx, id, merged);
      const unset = merged.isDefault ? await this.unsetOtherDefaults(trx, id, actor) : [];
      const after = await this.getFull(trx, id);
      await writeAudit(trx, actor, { action: 'update', entity: 'send_group', entityId: id, before: redactSendGroup(before), after: redactSendGroup(after) });
      return { group: after, clusters: [after.alertmanagerClusterId, before.alertmanagerClusterId, ...unset] };
    });
    await this.schedule(clusters);
    return redactSendGroup(group);
  }

  /** Refused while alert rules still send to the group. */
  async delete(id: number, actor: Actor): Promise<void> {
    const group = await this.db.transaction(async (trx) => {
      const before = await this.getFull(trx, id, true);
      const rules = await trx('alert_rules').where({ send_group_id: id }).orderBy('id').limit(11).pluck('id');
      if (rules.length)
        throw conflict(
          `send group ${before.name} is still used by alert rule(s) ${rules.slice(0, 10).join(', ')}${rules.length > 10 ? ', …' : ''}; move them to another send group first`,
          { alertRules: rules.slice(0, 10) },
        );
      await trx('send_groups').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'send_group', entityId: id, before: redactSendGroup(before) });
      return before;
    });
    await this.schedule([group.alertmanagerClusterId]);
  }

  /** Enables or disables several groups at once; one unknown id changes nothing. */
  async setEnabled(ids: number[], enabled: boolean, actor: Actor): Promise<SendGroup[]> {
    const groups = await this.db.transaction(async (trx) => {
      const found = new Set((await trx('send_groups').whereIn('id', ids).forUpdate().pluck('id')).map(Number));
      const missing = ids.findIndex((id) => !found.has(id));
      if (missing >= 0) throw invalidField(`ids[${missing}]`, `send group ${ids[missing]} does not exist`);
      await trx('send_groups').whereIn('id', ids).update({ enabled, updated_at: trx.fn.now(3) });
      await writeAudit(trx, actor, { action: enabled ? 'enable' : 'disable', entity: 'send_group', entityId: ids.join(','), after: { ids } });
      return loadSendGroups(trx, (q) => q.whereIn('id', ids));
    });
    await this.schedule(groups.map((g) => g.alertmanagerClusterId));
    return groups.map(redactSendGroup);
  }

  private async check(db: Db, g: SendGroupInput): Promise<void> {
    if (!(await db('alertmanager_clusters').where({ id: g.alertmanagerClusterId }).first()))
      throw invalidField('alertmanagerClusterId', `Alertmanager cluster ${g.alertmanagerClusterId} does not exist`);
    if (g.oncallGroupId && !(await db('oncall_groups').where({ id: g.oncallGroupId }).first()))
      throw invalidField('oncallGroupId', `on-call group ${g.oncallGroupId} does not exist`);
    await this.users.requireIds(db, g.userIds, 'userIds');
    for (const [i, level] of g.escalation.levels.entries()) await this.users.requireIds(db, level.userIds, `escalation.levels[${i}].userIds`);
  }

  /** At most one default group: making one the default takes it from the other. Returns their clusters. */
  private async unsetOtherDefaults(trx: Knex.Transaction, id: number, actor: Actor): Promise<number[]> {
    const others = await trx('send_groups').where('is_default', true).whereNot({ id }).forUpdate().select('id', 'alertmanager_cluster_id');
    if (!others.length) return [];
    await trx('send_groups').whereIn('id', others.map((o: any) => o.id)).update({ is_default: false, updated_at: trx.fn.now(3) });
    for (const o of others)
      await writeAudit(trx, actor, { action: 'unset_default', entity: 'send_group', entityId: o.id, after: { isDefault: false, replacedBy: id } });
    return others.map((o: any) => o.alertmanager_cluster_id);
  }

  private async schedule(clusterIds: number[]): Promise<void> {
    for (const id of new Set(clusterIds)) await this.publisher.scheduleCluster(id);
  }

  private async getFull(db: Db, id: number, lock = false): Promise<SendGroup> {
    const [group] = await loadSendGroups(db, (q) => (lock ? q.where({ id }).forUpdate() : q.where({ id })));
    if (!group) throw notFound('send group', id);
    return group;
  }
}
