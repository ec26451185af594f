import type { Db } from './knex';
import { toJson } from './knex';

/** Who did something: a chat user, an API token holder, or promduty itself. */
export interface Actor {
  kind: 'user' | 'api' | 'system';
  name: string;
  userId?: number | null;
}

export const apiActor: Actor = { kind: 'api', name: 'api' };
export const systemActor: Actor = { kind: 'system', name: 'promduty' };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit row; call it inside the transaction that makes the change. */
export async function writeAudit(db: Db, actor: Actor, e: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    actor: actor.name,
    actor_user_id: actor.userId ?? null,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId == null ? null : String(e.entityId),
    before: toJson(e.before),
    after: toJson(e.after),
  });
}
