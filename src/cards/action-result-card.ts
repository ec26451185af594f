import { card, esc, escLine, header, md, type Card, type Template } from './card';
import { clip, formatDuration } from '../core/text';

/** One finished run of a remediation action, as its result card shows it. */
export interface ActionResultView {
  action: string;
  eventId: number;
  alertname: string;
  trigger: 'auto' | 'button' | 'command';
  /** Who asked; null for an automatic run. */
  requestedBy: string | null;
  state: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  httpStatus: number | null;
  durationMs: number | null;
  /** The answer's first lines. */
  answer: string | null;
  error: string | null;
}

const LOOK: Record<ActionResultView['state'], { template: Template; word: string }> = {
  succeeded: { template: 'green', word: 'succeeded' },
  failed: { template: 'red', word: 'failed' },
  skipped: { template: 'grey', word: 'skipped' },
};

/** Posted in the alert's thread when a run is final: what ran, how it went, the answer's first lines. */
export function actionResultCard(v: ActionResultView): Card {
  const look = LOOK[v.state];
  const who = v.requestedBy === null ? 'automatically' : `by ${escLine(clip(v.requestedBy, 60))}`;
  const facts = [
    `**${escLine(v.action)}** on #${v.eventId} ${escLine(clip(v.alertname, 80))}, run ${who}`,
    v.httpStatus !== null ? `HTTP **${v.httpStatus}**` : null,
    v.durationMs !== null && v.state !== 'skipped' ? `took ${v.durationMs < 1000 ? `${v.durationMs} ms` : formatDuration(v.durationMs)}` : null,
    v.state !== 'skipped' ? `${v.attempts} attempt${v.attempts === 1 ? '' : 's'}` : null,
  ].filter((s): s is string => s !== null);
  const lines = [facts.join(' · ')];
  if (v.error) lines.push(`${v.state === 'skipped' ? 'Why' : 'Error'}: ${escLine(clip(v.error, 300))}`);
  if (v.answer) lines.push(`**Answer**\n${esc(clip(v.answer, 1200))}`);
  return card(header(look.template, `Action ${look.word}: ${clip(v.action, 64)}`, `#${v.eventId}`), [md(lines.join('\n'))], `Action ${v.action} ${look.word}`);
}
