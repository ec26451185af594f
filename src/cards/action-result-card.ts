import { card, esc, escLine, header, md, type Card, type Template } from './card';
import { clip, formatDuration } from '../core/text';
import { t, type Locale } from '../i18n';

export type SkipReasonKey = 'action_gone' | 'action_disabled' | 'event_gone' | 'resolved' | 'rate_limited' | 'not_attached';

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
  /** Why the call failed (the target's words or the transport's). */
  error: string | null;
  /** Why a skipped run did not call. */
  skipped?: SkipReasonKey | null;
  /** A failed automatic run not tried again because its alert resolved meanwhile. */
  stopped?: boolean;
}

const TEMPLATE: Record<ActionResultView['state'], Template> = { succeeded: 'green', failed: 'red', skipped: 'grey' };

/** Posted in the alert's thread when a run is final: what ran, how it went, the answer's first lines. */
export function actionResultCard(v: ActionResultView, locale: Locale): Card {
  const L = locale;
  const alert = escLine(clip(v.alertname, 80));
  const name = escLine(v.action);
  const took = v.durationMs === null ? '' : v.durationMs < 1000 ? `${v.durationMs} ms` : formatDuration(v.durationMs);
  const facts = [
    v.requestedBy === null ? t(L, 'remedy.result.auto', { name, id: v.eventId, alert }) : t(L, 'remedy.result.by', { name, id: v.eventId, alert, who: escLine(clip(v.requestedBy, 60)) }),
    v.httpStatus !== null ? `HTTP **${v.httpStatus}**` : null,
    took && v.state !== 'skipped' ? t(L, 'remedy.result.took', { duration: took }) : null,
    v.state !== 'skipped' ? t(L, 'remedy.result.attempts', { count: v.attempts }) : null,
  ].filter((s): s is string => s !== null);
  const lines = [facts.join(' · ')];
  if (v.state === 'skipped' && v.skipped) lines.push(t(L, 'remedy.result.why', { reason: t(L, `remedy.skip.${v.skipped}`) }));
  else if (v.error) lines.push(t(L, 'remedy.result.error', { error: escLine(clip(v.error, 300)) }));
  if (v.stopped) lines.push(t(L, 'remedy.result.stopped'));
  if (v.answer) lines.push(`${t(L, 'remedy.result.answer')}\n${esc(clip(v.answer, 1200))}`);
  const title = t(L, `remedy.result.${v.state}`, { name: clip(v.action, 64) });
  return card(header(TEMPLATE[v.state], title, `#${v.eventId}`), [md(lines.join('\n'))], title);
}
