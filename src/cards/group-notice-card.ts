import { escLine, mention, type Card } from './card';
import { clip, formatDuration } from '../core/text';
import type { AlertGroupView } from './group-parts';
import { textCard } from './text-card';

/** The group notices' words, in one place (to move into the i18n catalogue). */
const T = {
  resolvedTitle: (name: string) => `Resolved: ${name}`,
  resolved: (n: number, lasted: string) => `✅ All ${n} alert${n === 1 ? '' : 's'} of this group resolved after ${lasted}.`,
  escalatedTitle: (name: string) => `Escalated: ${name}`,
  escalated: (n: number, level: number, people: string) =>
    `${n} firing alert${n === 1 ? '' : 's'}, not acknowledged: escalated to ${people} (level ${level}).`,
  nobody: 'nobody (no one at this level has a Feishu account)',
  actionTitle: (name: string) => name,
};

export type GroupNoticeInput =
  | { kind: 'group-resolved' }
  | { kind: 'group-escalated'; level: number; users: { name: string; openId: string | null }[] }
  | { kind: 'group-action'; text: string };

/** One notice in the group chat about an alert group: resolved, escalated, or what a person did. */
export function groupNoticeCard(job: GroupNoticeInput, g: AlertGroupView, now: Date): Card {
  const subtitle = `Group #${g.id} · ${g.sendGroupName}`;
  switch (job.kind) {
    case 'group-resolved': {
      const end = g.resolvedAt ?? now;
      return textCard({ title: T.resolvedTitle(g.alertname), markdown: T.resolved(g.alerts.length, formatDuration(end.getTime() - g.firstSeenAt.getTime())), template: 'green', subtitle });
    }
    case 'group-escalated': {
      const people = job.users.map((u) => mention(u)).join(' ') || T.nobody;
      const firing = g.alerts.filter((a) => a.status === 'firing').length;
      return textCard({ title: T.escalatedTitle(g.alertname), markdown: T.escalated(firing, job.level, people), template: 'carmine', subtitle });
    }
    case 'group-action':
      return textCard({ title: T.actionTitle(g.alertname), markdown: escLine(clip(job.text, 1000)), template: 'blue', subtitle });
  }
}
