import type { Paging } from '../paging/paging';
import type { ActionButtonView } from '../cards/action-buttons';
import type { Locale } from '../i18n';
import type { FiredEvent } from '../remedy/plan';
import type { OncallService } from '../oncall/roster-service';
import { DeadLetterNotice } from './dead-letter-notice';
import { DeadLetterReplay } from './dead-letter-replay';
import { DeadLetterStore } from './dead-letters';
import { DeliveryService } from './delivery';
import { AlertGroupQueries } from './group-api';
import { Destinations } from './destinations';
import { EscalationService } from './escalation';
import { EventCardService } from './card-refresh';
import { AlertIngest } from './ingest';
import { NoticeService } from './notices';
import { AlertProcessor } from './processing';
import { ReminderService } from './reminders';
import { OutboxSender, type SenderDeps } from './sender';

/** The pipeline takes what its outbox sender takes, minus the parts it builds itself. */
export interface PipelineDeps extends Omit<SenderDeps, 'cards' | 'destinations' | 'paging'> {
  paging: Pick<Paging, 'sent' | 'planAlertCards' | 'planEscalationCards'>;
  oncall: Pick<OncallService, 'oncallNow'>;
  settings: {
    timezone: string;
    locale: Locale;
    alerts: { escalationMinuteMs: number; dedupWindowMs: number; digestThreshold: number };
  };
  /** Remediation actions: planned when alerts fire, offered on their cards. */
  remedy?: { onFired(events: FiredEvent[]): Promise<void>; buttonsOf(eventId: number): Promise<ActionButtonView[]> };
}

/** The alert pipeline's services, wired once (main.ts) and shared by the HTTP app and the workers. */
export function alertPipeline(d: PipelineDeps) {
  const { alerts } = d.settings;
  const destinations = new Destinations(d.db);
  const cards = new EventCardService({
    ...d,
    timezone: d.settings.timezone,
    locale: d.settings.locale,
    escalationMinuteMs: alerts.escalationMinuteMs,
    ...(d.remedy && { actionButtons: (id: number) => d.remedy!.buttonsOf(id) }),
  });
  const deadLetters = new DeadLetterStore(d.db, d.clock);
  d.metrics.refreshOnScrape(async () => {
    const { open, total } = await deadLetters.counts();
    d.metrics.alertDeadLetters.set(open);
    d.metrics.alertDeadLettersTotal.reset();
    d.metrics.alertDeadLettersTotal.inc(total);
  });
  const processor = new AlertProcessor({ ...d, destinations, deadLetters, dedupWindowMs: alerts.dedupWindowMs });
  return {
    destinations,
    cards,
    ingest: new AlertIngest(d),
    processor,
    deadLetters,
    alertGroups: new AlertGroupQueries(d.db),
    deadLetterReplay: new DeadLetterReplay({ deadLetters, processor, timezone: d.settings.timezone }),
    deadLetterNotice: new DeadLetterNotice({ ...d, destinations, deadLetters, timezone: d.settings.timezone, locale: d.settings.locale }),
    delivery: new DeliveryService({ ...d, destinations, threshold: alerts.digestThreshold, escalationMinuteMs: alerts.escalationMinuteMs }),
    outbox: new OutboxSender({ ...d, cards, destinations }),
    notices: new NoticeService({ ...d, destinations }),
    escalation: new EscalationService({ ...d, minuteMs: alerts.escalationMinuteMs }),
    reminders: new ReminderService({ ...d, minuteMs: alerts.escalationMinuteMs, locale: d.settings.locale }),
  };
}

export type AlertPipeline = ReturnType<typeof alertPipeline>;
