import type Router from '@koa/router';
import type { AlertIngest } from '../../events/ingest';
import { WEBHOOK_PATH } from '../../routing/render-alertmanager';
import { readJson } from '../read-json';

/**
 * `POST /api/v1/alerts/webhook` — Alertmanager's webhook; bearer WEBHOOK_TOKEN (set by the
 * router), mounted before the shared body parser (it reads its own, `limitBytes` at most).
 * Answers 200 only once the notification is queued in Redis, so Alertmanager retries
 * anything promduty did not take; a repeat of a queued notification is also 200.
 */
export function alertWebhookRoutes(router: Router, ingest: Pick<AlertIngest, 'accept'>, limitBytes: number): void {
  router.post(WEBHOOK_PATH, async (ctx) => {
    const r = await ingest.accept(await readJson(ctx, limitBytes));
    ctx.body = { status: r.duplicate ? 'duplicate' : 'accepted', jobId: r.jobId, alerts: r.alerts };
  });
}
