import type { Processor } from '../processor';
import type { WorkerContext } from '../context';
import { probePrometheusProcessor } from './probe-prometheus';
import { publishPoolProcessor } from './publish-pool';
import { publishClusterProcessor } from './publish-cluster';
import { probeAlertmanagerProcessor } from './probe-alertmanager';
import { oncallHandoffProcessor } from './oncall-handoff';
import { chatCommandProcessor } from './chat-command';
import { eventNoticeProcessor } from './event-notice';
import { alertBatchProcessor } from './alert-batch';
import { alertDeliverProcessor } from './alert-deliver';
import { deliverySweepProcessor } from './delivery-sweep';
import { notifySendProcessor } from './notify-send';
import { notifyPatchProcessor } from './notify-patch';
import { notifyReplyProcessor } from './notify-reply';
import { escalateProcessor } from './escalate';
import { deadLetterNoticeProcessor } from './dead-letter-notice';
import { swapRequestNoticeProcessor } from './swap-request-notice';
import { shiftNoticesProcessor } from './shift-notices';
import { swapRequestExpiryProcessor } from './swap-request-expiry';
import { statsDigestProcessor } from './stats-digest';
import { buzzProcessor, notifyQueueBuzzProcessor } from './buzz';
import { escalationReminderProcessor } from './escalation-reminder';
import { remedyRunProcessor } from './remedy-run';
import { remedySweepProcessor } from './remedy-sweep';

/** Every job processor, one per file; the worker bootstrap registers them all. */
export const processors: Processor<WorkerContext>[] = [
  publishPoolProcessor,
  probePrometheusProcessor,
  publishClusterProcessor,
  probeAlertmanagerProcessor,
  oncallHandoffProcessor,
  chatCommandProcessor,
  eventNoticeProcessor,
  alertBatchProcessor,
  alertDeliverProcessor,
  deliverySweepProcessor,
  notifySendProcessor,
  notifyPatchProcessor,
  notifyReplyProcessor,
  escalateProcessor,
  deadLetterNoticeProcessor,
  swapRequestNoticeProcessor,
  shiftNoticesProcessor,
  swapRequestExpiryProcessor,
  statsDigestProcessor,
  buzzProcessor,
  notifyQueueBuzzProcessor,
  escalationReminderProcessor,
  remedyRunProcessor,
  remedySweepProcessor,
];
