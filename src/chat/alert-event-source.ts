import type { Card } from '../cards/card';
import type { AlertEventView } from '../cards/alert-parts';

/**
 * What ChatOps needs to show alert events; the alert pipeline owns the event → card mapping
 * and implements this (src/events/card-refresh.ts, EventCardService).
 */
export interface EventCards {
  /** Firing events (at most `limit`, most recent first) and how many there are in all. */
  active(limit: number): Promise<{ events: AlertEventView[]; total: number }>;
  /** The current card of a message promduty sent for an event, or null when the message is no event card. */
  forMessage(messageId: string): Promise<Card | null>;
  /** An alert group's card as it is now, or null when there is no such group. */
  groupCardOf(groupId: number): Promise<Card | null>;
}
