import { escLine, mention, type Card } from './card';
import { clip, formatDuration } from '../core/text';
import type { Say } from '../core/errors';
import { sayText, t, type Locale } from '../i18n';
import type { AlertGroupView } from './group-parts';
import { textCard } from './text-card';

export type GroupNoticeInput =
  | { kind: 'group-resolved' }
  | { kind: 'group-escalated'; level: number; users: { name: string; openId: string | null }[] }
  /** `say` (catalogue words) when the job has it; `text` (English) from jobs queued before. */
  | { kind: 'group-action'; text: string; say?: Say };

/** One notice in the group chat about an alert group: resolved, escalated, or what a person did. */
export function groupNoticeCard(job: GroupNoticeInput, g: AlertGroupView, now: Date, L: Locale): Card {
  const subtitle = t(L, 'gnotice.subtitle', { id: g.id, group: g.sendGroupName });
  switch (job.kind) {
    case 'group-resolved': {
      const end = g.resolvedAt ?? now;
      const markdown = t(L, 'gnotice.resolved', { count: g.alerts.length, lasted: formatDuration(end.getTime() - g.firstSeenAt.getTime()) });
      return textCard({ title: t(L, 'gnotice.resolvedTitle', { alertname: g.alertname }), markdown, template: 'green', subtitle });
    }
    case 'group-escalated': {
      const people = job.users.map((u) => mention(u)).join(' ') || t(L, 'notice.escalatedNobody');
      const firing = g.alerts.filter((a) => a.status === 'firing').length;
      const markdown = t(L, 'gnotice.escalated', { count: firing, people, level: job.level });
      return textCard({ title: t(L, 'gcard.escalatedTitle', { alertname: g.alertname }), markdown, template: 'carmine', subtitle });
    }
    case 'group-action':
      return textCard({ title: g.alertname, markdown: escLine(clip(job.say ? sayText(L, job.say) : job.text, 1000)), template: 'blue', subtitle });
  }
}
