import type { Knex } from 'knex';
import { conflict, invalid, notFound, type FieldIssue } from '../core/errors';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, isDuplicateKey, toJson, type Db } from '../db/knex';
import { ACTION_LIMITS, actionCreateSchema, actionUpdateSchema, mergeSecrets, REDACTED, type ActionPatch, type Method, type TriggerInput } from './action-schema';
import { buttonActions, type DatedTrigger, type TriggerRow } from './plan';
import type { ActionCall } from './render-request';

/** An action as the API shows it: header values and the secret redacted. */
export interface ActionView {
  id: number;
  name: string;
  description: string | null;
  enabled: boolean;
  method: Method;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  secret: string | null;
  timeoutMs: number;
  maxRunsPerHour: number;
  retries: number;
  triggers: TriggerInput[];
  createdAt: Date;
  updatedAt: Date;
}

/** An action with its secrets, for the runner only. */
export interface StoredAction extends ActionView, ActionCall {
  method: Method;
}

const fromRow = (r: any, triggers: TriggerRow[]): StoredAction => ({
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: Boolean(r.enabled),
  method: r.method,
  url: r.url,
  headers: fromJson<Record<string, string>>(r.headers, {}),
  body: r.body,
  secret: r.secret,
  timeoutMs: r.timeout_ms,
  maxRunsPerHour: r.max_runs_per_hour,
  retries: r.retries,
  triggers: triggers
    .filter((t) => t.actionId === r.id)
    .map((t) => ({ ...(t.ruleId !== null ? { ruleId: t.ruleId } : { sendGroupId: t.sendGroupId! }), mode: t.mode, ...(t.mode === 'auto' && { afterMinutes: t.afterMinutes }) })),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const triggerFromRow = (r: any): TriggerRow => ({ actionId: r.action_id, ruleId: r.rule_id, sendGroupId: r.send_group_id, mode: r.mode, afterMinutes: r.after_minutes });

export const redactAction = (a: StoredAction): ActionView => {
  const { id, name, description, enabled, method, url, body, timeoutMs, maxRunsPerHour, retries, triggers, createdAt, updatedAt } = a;
  const headers = Object.fromEntries(Object.keys(a.headers).map((k) => [k, REDACTED]));
  return { id, name, description, enabled, method, url, headers, body, secret: a.secret ? REDACTED : null, timeoutMs, maxRunsPerHour, retries, triggers, createdAt, updatedAt };
};

const nameTaken = (name: string) => conflict(`an action named ${name} already exists`, { field: 'name' });

/**
 * Remediation actions: CRUD (one transaction with an audit row each, secrets redacted in the
 * view and in the audit), and the lookups the runner and the cards need.
 */
export class ActionService {
  constructor(private readonly db: Knex) {}

  async list(): Promise<ActionView[]> {
    return (await this.load(this.db)).map(redactAction);
  }

  async get(id: number): Promise<ActionView> {
    return redactAction(await this.stored(id));
  }

  /** With secrets: the runner's copy. */
  async stored(id: number, db: Db = this.db): Promise<StoredAction> {
    const [a] = await this.load(db, id);
    if (!a) throw notFound('action', id);
    return a;
  }

  async findByName(name: string): Promise<ActionView | null> {
    const row = await this.db('remedy_actions').where({ name }).first('id');
    return row ? this.get(row.id) : null;
  }

  async create(body: unknown, actor: Actor): Promise<ActionView> {
    const a = parseInput(actionCreateSchema, body, 'action');
    return this.db.transaction(async (trx) => {
      await this.checkTriggers(trx, a.triggers ?? []);
      let id: number;
      try {
        [id] = (await trx('remedy_actions').insert({
          name: a.name,
          description: a.description ?? null,
          enabled: a.enabled ?? true,
          method: a.method ?? 'POST',
          url: a.url.trim(),
          headers: toJson(a.headers ?? {}),
          body: a.body ?? null,
          secret: a.secret ?? null,
          timeout_ms: a.timeoutMs ?? ACTION_LIMITS.timeoutMs.default,
          max_runs_per_hour: a.maxRunsPerHour ?? ACTION_LIMITS.maxRunsPerHour.default,
          retries: a.retries ?? ACTION_LIMITS.retries.default,
        })) as [number];
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(a.name);
        throw e;
      }
      await this.writeTriggers(trx, id, a.triggers ?? []);
      const saved = redactAction(await this.stored(id, trx));
      await writeAudit(trx, actor, { action: 'create', entity: 'action', entityId: id, after: saved });
      return saved;
    });
  }

  async update(id: number, body: unknown, actor: Actor): Promise<ActionView> {
    const p: ActionPatch = parseInput(actionUpdateSchema, body, 'action');
    return this.db.transaction(async (trx) => {
      const before = await this.stored(id, trx);
      if (p.triggers) await this.checkTriggers(trx, p.triggers);
      const secrets = mergeSecrets(before, p);
      const row = {
        ...(p.name !== undefined && { name: p.name }),
        ...(p.description !== undefined && { description: p.description }),
        ...(p.enabled !== undefined && { enabled: p.enabled }),
        ...(p.method !== undefined && { method: p.method }),
        ...(p.url !== undefined && { url: p.url.trim() }),
        ...(secrets.headers !== undefined && { headers: toJson(secrets.headers) }),
        ...(p.body !== undefined && { body: p.body }),
        ...(secrets.secret !== undefined && { secret: secrets.secret }),
        ...(p.timeoutMs !== undefined && { timeout_ms: p.timeoutMs }),
        ...(p.maxRunsPerHour !== undefined && { max_runs_per_hour: p.maxRunsPerHour }),
        ...(p.retries !== undefined && { retries: p.retries }),
        updated_at: trx.raw('CURRENT_TIMESTAMP(3)'),
      };
      try {
        await trx('remedy_actions').where({ id }).update(row);
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(p.name ?? before.name);
        throw e;
      }
      if (p.triggers) {
        await trx('remedy_triggers').where({ action_id: id }).delete();
        await this.writeTriggers(trx, id, p.triggers);
      }
      const saved = redactAction(await this.stored(id, trx));
      await writeAudit(trx, actor, { action: 'update', entity: 'action', entityId: id, before: redactAction(before), after: saved });
      return saved;
    });
  }

  async delete(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.stored(id, trx);
      await trx('remedy_actions').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'action', entityId: id, before: redactAction(before) });
    });
  }

  /** Triggers attaching actions to these rules or send groups, with when their action last changed. */
  async triggersFor(ruleIds: number[], sendGroupIds: number[], db: Db = this.db): Promise<DatedTrigger[]> {
    if (!ruleIds.length && !sendGroupIds.length) return [];
    const rows = await db('remedy_triggers as t')
      .join('remedy_actions as a', 'a.id', 't.action_id')
      .where((q) => {
        if (ruleIds.length) q.orWhereIn('t.rule_id', ruleIds);
        if (sendGroupIds.length) q.orWhereIn('t.send_group_id', sendGroupIds);
      })
      .select('t.*', 'a.updated_at as action_updated_at');
    return rows.map((r: any) => ({ ...triggerFromRow(r), actionChangedAt: r.action_updated_at }));
  }

  /** The actions an alert's card offers as buttons. */
  async buttonsFor(event: { ruleId: number | null; sendGroupId: number | null }): Promise<{ id: number; name: string }[]> {
    const triggers = await this.triggersFor(event.ruleId === null ? [] : [event.ruleId], event.sendGroupId === null ? [] : [event.sendGroupId]);
    const ids = [...new Set(triggers.filter((t) => t.mode === 'button').map((t) => t.actionId))];
    if (!ids.length) return [];
    const actions = (await this.db('remedy_actions').whereIn('id', ids).select('id', 'name', 'enabled')).map((r: any) => ({ id: r.id, name: r.name, enabled: Boolean(r.enabled) }));
    return buttonActions(event, triggers, actions).map(({ id, name }) => ({ id, name }));
  }

  private async load(db: Db, id?: number): Promise<StoredAction[]> {
    const rows = await db('remedy_actions').modify((q) => (id === undefined ? q : q.where({ id }))).orderBy('name');
    if (!rows.length) return [];
    const triggers = (await db('remedy_triggers').whereIn('action_id', rows.map((r: any) => r.id)).orderBy('id')).map(triggerFromRow);
    return rows.map((r: any) => fromRow(r, triggers));
  }

  private async checkTriggers(db: Db, triggers: TriggerInput[]): Promise<void> {
    const want = (k: 'ruleId' | 'sendGroupId') => [...new Set(triggers.flatMap((t) => t[k] ?? []))];
    const have = async (table: string, ids: number[]) => new Set<number>(ids.length ? (await db(table).whereIn('id', ids).pluck('id')) : []);
    const rules = await have('alert_rules', want('ruleId'));
    const groups = await have('send_groups', want('sendGroupId'));
    const issues: FieldIssue[] = [];
    triggers.forEach((t, i) => {
      if (t.ruleId !== undefined && !rules.has(t.ruleId)) issues.push({ path: `triggers[${i}].ruleId`, message: `there is no alert rule ${t.ruleId}` });
      if (t.sendGroupId !== undefined && !groups.has(t.sendGroupId)) issues.push({ path: `triggers[${i}].sendGroupId`, message: `there is no send group ${t.sendGroupId}` });
    });
    if (issues.length) throw invalid(`invalid action: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
  }

  private async writeTriggers(db: Db, actionId: number, triggers: TriggerInput[]): Promise<void> {
    if (!triggers.length) return;
    await db('remedy_triggers').insert(
      triggers.map((t) => ({ action_id: actionId, rule_id: t.ruleId ?? null, send_group_id: t.sendGroupId ?? null, mode: t.mode, after_minutes: t.afterMinutes ?? 0 })),
    );
  }
}
