/**
 * The alert pipeline (design flows 4 and 6): Alertmanager webhook → `alerts` queue → alert
 * events → Feishu cards @ the person on call → escalation. main.ts wires it with
 * `alertPipeline(...)` (pipeline.ts); the queues run it through src/queue/alert-jobs.ts.
 *
 * Interfaces for ChatOps (claim / silence / unsilence live in actions.ts):
 *   - `EventCardService` (card-refresh.ts), main.ts's `alerts.cards`:
 *       refreshEventCards(eventId): Promise<RefreshResult>  re-renders every copy of the
 *         event's cards from the database (group, private, escalation, any digest it is on)
 *         and patches them now; throws the first retryable Feishu error after trying all.
 *       forMessage(messageId): Promise<Card | null>  the current card of a message promduty
 *         posted (alert card, escalation card or digest): the in-place answer to a click.
 *       active(limit): Promise<{ events: AlertEventView[]; total: number }>  for `/alerts`.
 *   - `cancelEscalation(db, eventId)` (escalation.ts): clears the event's escalation id, so
 *     every pending timer of it does nothing when it fires. Run it in the claim / silence
 *     transaction (setting escalation_id = NULL yourself is the same thing). Resolve cancels
 *     by itself. Timers stay in Redis and exit as stale.
 */
export { alertPipeline, type AlertPipeline, type PipelineDeps } from './pipeline';
export { EventCardService, type RefreshResult } from './card-refresh';
export { cancelEscalation } from './escalation';
