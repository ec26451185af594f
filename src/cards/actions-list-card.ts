import { card, escLine, header, md, type Card } from './card';
import { clip } from '../core/text';
import { t, type Locale } from '../i18n';

/** Where an action is attached, and how. */
export interface ActionAttachment {
  mode: 'auto' | 'button';
  on: { ruleId: number } | { sendGroupId: number };
  afterMinutes?: number;
}

/** An action as /actions lists it: no secrets, no templates. */
export interface ActionListItem {
  name: string;
  description: string | null;
  enabled: boolean;
  method: string;
  /** The URL's origin (scheme, host, port): where it calls, not its templated path. */
  origin: string;
  attachments: ActionAttachment[];
}

const MAX_ITEMS = 50;

function attachment(L: Locale, a: ActionAttachment): string {
  const on = 'ruleId' in a.on ? t(L, 'remedy.on.rule', { id: a.on.ruleId }) : t(L, 'remedy.on.group', { id: a.on.sendGroupId });
  if (a.mode === 'button') return t(L, 'remedy.attach.button', { on });
  return a.afterMinutes ? t(L, 'remedy.attach.autoAfter', { on, minutes: a.afterMinutes }) : t(L, 'remedy.attach.auto', { on });
}

/** `/actions`: every remediation action, what it calls and where it is attached. */
export function actionsListCard(items: ActionListItem[], locale: Locale): Card {
  const L = locale;
  const head = header('blue', t(L, 'remedy.list.title'), t(L, 'remedy.list.count', { count: items.length }));
  if (!items.length) return card(head, [md(t(L, 'remedy.list.empty'))]);
  const lines = items.slice(0, MAX_ITEMS).map((a) => {
    const state = a.enabled ? '' : t(L, 'remedy.list.disabled');
    const where = a.attachments.length ? a.attachments.map((x) => attachment(L, x)).join('; ') : t(L, 'remedy.list.notAttached');
    const about = a.description ? ` · ${escLine(clip(a.description, 120))}` : '';
    return `**${escLine(a.name)}**${state}: ${a.method} ${escLine(clip(a.origin, 100))}${about}\n${where}`;
  });
  if (items.length > MAX_ITEMS) lines.push(t(L, 'remedy.list.more', { count: items.length - MAX_ITEMS }));
  lines.push(t(L, 'remedy.list.hint'));
  return card(head, [md(lines.join('\n'))]);
}
