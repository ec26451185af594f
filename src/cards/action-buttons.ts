import { button, type Button } from './card';
import { clip } from '../core/text';
import { t, type Locale } from '../i18n';

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
export function actionButtons(eventId: number, actions: readonly ActionButtonView[], locale: Locale): Button[] {
  return actions.map((a) =>
    button(t(locale, 'remedy.button', { name: clip(a.name, 40) }), { a: 'remedy', e: eventId, x: a.id }, {
      confirm: [t(locale, 'remedy.confirm.title', { name: clip(a.name, 64) }), t(locale, 'remedy.confirm.body', { id: eventId })],
    }),
  );
}
