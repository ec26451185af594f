import { createHash } from 'node:crypto';
import type { AlertDestination } from '../routing/alert-destination';
import type { AlertJobs, EscalationLevelSnapshot, EscalationStep } from './jobs';

/**
 * Escalation timers, Grafana OnCall style: the send group's chain is copied into the timer
 * when the event is first notified, so editing the send group later changes what happens to
 * new alerts, not to the ones already escalating. Level N is due `afterMinutes` of level N
 * after promduty first saw the alert.
 */
export function snapshotLevels(dest: AlertDestination): EscalationLevelSnapshot[] {
  if (!dest.escalation.enabled) return [];
  return dest.escalation.levels.map((l) => ({ level: l.level, afterMinutes: l.afterMinutes, channel: l.channel, users: l.users.map((u) => ({ ...u })) }));
}

export function firstStep(
  ev: { eventId: number; groupId?: number; escalationId: string | null; sendGroupId: number; firstSeenAt: Date },
  dest: AlertDestination,
  minuteMs: number,
): EscalationStep | null {
  const levels = snapshotLevels(dest);
  if (!ev.escalationId || !levels.length) return null;
  return {
    eventId: ev.eventId,
    ...(ev.groupId ? { groupId: ev.groupId } : {}),
    escalationId: ev.escalationId,
    sendGroupId: ev.sendGroupId,
    level: 1,
    levels,
    dueAt: ev.firstSeenAt.getTime() + levels[0]!.afterMinutes * minuteMs,
    reminderMinutes: dest.escalation.reminderMinutes,
  };
}

export function nextStep(step: EscalationStep, minuteMs: number): EscalationStep | null {
  const current = step.levels[step.level - 1];
  const next = step.levels[step.level];
  if (!current || !next) return null;
  const origin = step.dueAt - current.afterMinutes * minuteMs;
  return { ...step, level: step.level + 1, dueAt: origin + next.afterMinutes * minuteMs };
}

/**
 * When the owners of an event are reminded that `step`'s level is near: `reminderMinutes`
 * before it, but never before half the level's wait has passed (a level one minute after the
 * previous one is not announced the moment that one ran). Null: no reminder.
 */
export function reminderAt(step: EscalationStep, minuteMs: number): number | null {
  const lead = (step.reminderMinutes ?? 0) * minuteMs;
  if (lead <= 0) return null;
  const prev = step.levels[step.level - 2]?.afterMinutes ?? 0;
  const current = step.levels[step.level - 1]?.afterMinutes ?? 0;
  const wait = (current - prev) * minuteMs;
  return step.dueAt - Math.min(lead, Math.floor(wait / 2));
}

/** Schedules a level's timer and, before it, its reminder. */
export async function scheduleStep(jobs: Pick<AlertJobs, 'escalate' | 'remind'>, step: EscalationStep, nowMs: number, minuteMs: number): Promise<void> {
  await jobs.escalate(step, Math.max(0, step.dueAt - nowMs));
  const remindAt = reminderAt(step, minuteMs);
  if (remindAt !== null && remindAt > nowMs) await jobs.remind(step, remindAt - nowMs);
}

export const reminderJobId = (s: Pick<EscalationStep, 'eventId' | 'groupId' | 'escalationId' | 'level'>): string =>
  s.groupId ? `remindg-${s.groupId}-${s.escalationId}-${s.level}` : `remind-${s.eventId}-${s.escalationId}-${s.level}`;

/** One timer per event, escalation and level: scheduling it twice schedules it once. */
export const escalationJobId = (s: Pick<EscalationStep, 'eventId' | 'groupId' | 'escalationId' | 'level'>): string =>
  s.groupId ? `escg-${s.groupId}-${s.escalationId}-${s.level}` : `esc-${s.eventId}-${s.escalationId}-${s.level}`;

const h8 = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 8);
export const escalationCardUuid = (s: EscalationStep, openId: string): string => `ev${s.eventId}-x${s.level}-${s.escalationId.slice(0, 8)}-${h8(openId)}`;
export const escalationNoticeUuid = (s: EscalationStep): string => `ev${s.eventId}-xn${s.level}-${s.escalationId.slice(0, 8)}`;
export const reminderUuid = (s: EscalationStep, messageId: string): string => `ev${s.eventId}-rm${s.level}-${s.escalationId.slice(0, 8)}-${h8(messageId)}`;
/** A group's escalation card to one person, and its one notice in the group chat, per level. */
export const groupEscalationCardUuid = (groupId: number, s: Pick<EscalationStep, 'level' | 'escalationId'>, openId: string): string =>
  `gp${groupId}-x${s.level}-${s.escalationId.slice(0, 8)}-${h8(openId)}`;
export const groupEscalationNoticeUuid = (groupId: number, s: Pick<EscalationStep, 'level' | 'escalationId'>): string => `gp${groupId}-xn${s.level}-${s.escalationId.slice(0, 8)}`;
