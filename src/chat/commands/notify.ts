import { escLine } from '../../cards/card';
import { PAGE_CHANNELS, SEVERITY_KEYS, type NotifySettings, type PageChannel, type SeverityKey } from '../../paging/model';
import type { User } from '../../users/users';
import { textReply, usageError } from '../replies';
import { actorOf, type ChatDeps, type ChatRequest, type Command, type Reply } from '../types';

const CHANNEL_TEXT: Record<PageChannel, string> = { chat: 'card only', buzz_app: 'card + in-app buzz', sms: 'card + SMS buzz', phone: 'card + phone call' };
const USAGE = '/notify · /notify <critical|warning|info|default> <chat|buzz_app|sms|phone> [delay, e.g. 5m] · /notify quiet 22:00-07:00 [zone] · /notify quiet off · /notify zone Asia/Shanghai (an admin may put @person first)';

/** The settings as lines of the card, pure. */
export function describeNotify(name: string, s: NotifySettings): string {
  const rules = SEVERITY_KEYS.flatMap((k) => {
    const r = s.rules[k];
    return r ? [`**${k}:** ${CHANNEL_TEXT[r.channel]}${r.delayMinutes ? `, after ${r.delayMinutes} min` : ''}`] : [];
  });
  const quiet = s.quietHours
    ? `${s.quietHours.start}–${s.quietHours.end} (${escLine(s.timezone ?? 'UTC')}); critical alerts ${s.criticalOverridesQuiet ? 'still page' : 'wait too'}`
    : 'none';
  return [
    `Notification rules of ${escLine(name)}`,
    ...(rules.length ? rules : ["No rules of your own: each send group's paging decides (critical → in-app buzz by default)."]),
    `**Quiet hours:** ${quiet}`,
    `Change: ${USAGE}`,
  ].join('\n');
}

const DELAY = /^(\d{1,3})m$/;
const QUIET = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** The settings `args` ask for, from the current ones; throws a usage error for anything else. */
export function applyNotifyArgs(s: NotifySettings, args: string[]): NotifySettings {
  const [first, second, third] = args;
  if (first === 'quiet') {
    if (second === 'off') return { ...s, quietHours: null };
    const m = QUIET.exec(second ?? '');
    if (!m) throw usageError('give quiet hours as HH:MM-HH:MM, e.g. /notify quiet 22:00-07:00 Asia/Shanghai');
    return { ...s, quietHours: { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` }, timezone: third ?? s.timezone };
  }
  if (first === 'zone') {
    if (!second) throw usageError('give a time zone, e.g. /notify zone Asia/Shanghai');
    return { ...s, timezone: second };
  }
  if (first === 'critical-quiet') {
    if (second !== 'page' && second !== 'wait') throw usageError('/notify critical-quiet page|wait');
    return { ...s, criticalOverridesQuiet: second === 'page' };
  }
  if (!SEVERITY_KEYS.includes(first as SeverityKey)) throw usageError(`unknown setting '${first}'. ${USAGE}`);
  if (!PAGE_CHANNELS.includes(second as PageChannel)) throw usageError(`how to reach you: one of ${PAGE_CHANNELS.join(', ')}`);
  const delay = third === undefined ? 0 : Number(DELAY.exec(third)?.[1] ?? NaN);
  if (!Number.isInteger(delay)) throw usageError('give the delay in minutes, e.g. 5m');
  return { ...s, rules: { ...s.rules, [first as SeverityKey]: { channel: second as PageChannel, delayMinutes: delay } } };
}

/** The person the command is about: the sender, or (admins) an @-mentioned person. */
async function target(req: ChatRequest, d: ChatDeps): Promise<{ user: User; args: string[] }> {
  const mention = req.args[0] ? req.mentions.get(req.args[0]) : undefined;
  if (!mention) return { user: req.user, args: req.args };
  const user = mention.openId ? await d.users.findByOpenId(mention.openId) : null;
  if (!user) throw usageError(`${mention.name} is not registered in promduty`);
  return { user, args: req.args.slice(1) };
}

/** `/notify`: how I am paged per severity, and my quiet hours; view or change them. */
export const notifyCommand: Command = {
  name: 'notify',
  usage: USAGE,
  description: 'How you are paged for each severity (card, in-app buzz, SMS, phone; a delay) and your quiet hours.',
  minRole: 'viewer',
  run: async (req, d): Promise<Reply> => {
    const { user, args } = await target(req, d);
    let settings = await d.notify.get(user.id);
    if (args.length) settings = await d.notify.set(user.id, applyNotifyArgs(settings, args), actorOf(req.user), req.user);
    return textReply(args.length ? 'Notification rules saved' : 'Notification rules', describeNotify(user.name, settings), args.length ? 'green' : undefined);
  },
};
