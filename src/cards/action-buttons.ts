import { button, type Button } from './card';
import { clip } from '../core/text';

/** An action an alert's card offers (src/remedy/plan.ts buttonActions). */
export interface ActionButtonView {
  id: number;
  name: string;
}

/**
 * "Run: restart-nginx" buttons for an alert card. Feishu shows the confirmation before the
 * click is sent; the handler checks the clicker's role (editors) and that the action is still
 * attached to the alert.
 */
export function actionButtons(eventId: number, actions: readonly ActionButtonView[]): Button[] {
  return actions.map((a) =>
    button(`Run: ${clip(a.name, 40)}`, { a: 'remedy', e: eventId, x: a.id }, {
      confirm: [`Run ${clip(a.name, 64)}?`, `promduty calls the action's endpoint now for alert #${eventId}; the result is posted in this thread.`],
    }),
  );
}
