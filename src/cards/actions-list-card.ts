import { card, escLine, header, md, type Card } from './card';
import { clip } from '../core/text';

/** An action as /actions lists it: no secrets, no templates. */
export interface ActionListItem {
  name: string;
  description: string | null;
  enabled: boolean;
  method: string;
  /** The URL's origin (scheme, host, port): where it calls, not its templated path. */
  origin: string;
  /** "auto on rule #3 after 5m", "button on send group #1". */
  attachments: string[];
}

const MAX_ITEMS = 50;

/** `/actions`: every remediation action, what it calls and where it is attached. */
export function actionsListCard(items: ActionListItem[]): Card {
  const head = header('blue', 'Remediation actions', `${items.length} action${items.length === 1 ? '' : 's'}`);
  if (!items.length) return card(head, [md('No actions yet. An admin adds them with `POST /api/v1/actions`.')]);
  const lines = items.slice(0, MAX_ITEMS).map((a) => {
    const state = a.enabled ? '' : ' (disabled)';
    const where = a.attachments.length ? a.attachments.map((s) => escLine(s)).join('; ') : 'not attached';
    const about = a.description ? ` · ${escLine(clip(a.description, 120))}` : '';
    return `**${escLine(a.name)}**${state}: ${a.method} ${escLine(clip(a.origin, 100))}${about}\n${where}`;
  });
  if (items.length > MAX_ITEMS) lines.push(`… ${items.length - MAX_ITEMS} more (GET /api/v1/actions)`);
  lines.push('Run one on an alert: `/actions run <name> <alert id>` (editors).');
  return card(head, [md(lines.join('\n'))]);
}
