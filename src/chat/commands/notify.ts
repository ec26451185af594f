import { escLine } from '../../cards/card';
import { t, type Locale } from '../../i18n';
import { PAGE_CHANNELS, SEVERITY_KEYS, type NotifySettings, type PageChannel, type SeverityKey } from '../../paging/model';
import type { User } from '../../users/users';
import { textReply, usageError } from '../replies';
import { actorOf, type ChatDeps, type ChatRequest, type Command, type Reply } from '../types';

/** The settings as lines of the card in `locale`, pure. */
export function describeNotify(locale: Locale, name: string, s: NotifySettings): string {
  const rules = SEVERITY_KEYS.flatMap((severity) => {
    const r = s.rules[severity];
    if (!r) return [];
    const channel = t(locale, `paging.channel.${r.channel}`);
    return [r.delayMinutes ? t(locale, 'paging.ruleDelayed', { severity, channel, minutes: r.delayMinutes }) : t(locale, 'paging.rule', { severity, channel })];
  });
  const quiet = s.quietHours
    ? t(locale, 'paging.quiet', {
        start: s.quietHours.start,
        end: s.quietHours.end,
        zone: escLine(s.timezone ?? 'UTC'),
        critical: t(locale, s.criticalOverridesQuiet ? 'paging.quiet.criticalPages' : 'paging.quiet.criticalWaits'),
      })
    : t(locale, 'paging.quiet.none');
  return [
    t(locale, 'paging.rulesOf', { name: escLine(name) }),
    ...(rules.length ? rules : [t(locale, 'paging.noRules')]),
    t(locale, 'paging.quietLine', { quiet }),
    t(locale, 'paging.change', { usage: t(locale, 'cmd.notify.usage') }),
  ].join('\n');
}

const DELAY = /^(\d{1,3})m$/;
const QUIET = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** The settings `args` ask for, from the current ones; throws a usage error for anything else. */
export function applyNotifyArgs(s: NotifySettings, args: string[], locale: Locale = 'en'): NotifySettings {
  const [first, second, third] = args;
  if (first === 'quiet') {
    if (second === 'off') return { ...s, quietHours: null };
    const m = QUIET.exec(second ?? '');
    if (!m) throw usageError('paging.quietFormat');
    return { ...s, quietHours: { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` }, timezone: third ?? s.timezone };
  }
  if (first === 'zone') {
    if (!second) throw usageError('paging.zoneNeeded');
    return { ...s, timezone: second };
  }
  if (first === 'critical-quiet') {
    if (second !== 'page' && second !== 'wait') throw usageError('paging.criticalQuietUsage');
    return { ...s, criticalOverridesQuiet: second === 'page' };
  }
  if (!SEVERITY_KEYS.includes(first as SeverityKey)) throw usageError('paging.unknownSetting', { setting: first ?? '', usage: t(locale, 'cmd.notify.usage') });
  if (!PAGE_CHANNELS.includes(second as PageChannel)) throw usageError('paging.channelNeeded', { channels: PAGE_CHANNELS.join(', ') });
  const delay = third === undefined ? 0 : Number(DELAY.exec(third)?.[1] ?? NaN);
  if (!Number.isInteger(delay)) throw usageError('paging.delayFormat');
  return { ...s, rules: { ...s.rules, [first as SeverityKey]: { channel: second as PageChannel, delayMinutes: delay } } };
}

/** The person the command is about: the sender, or (admins) an @-mentioned person. */
async function target(req: ChatRequest, d: ChatDeps): Promise<{ user: User; args: string[] }> {
  const mention = req.args[0] ? req.mentions.get(req.args[0]) : undefined;
  if (!mention) return { user: req.user, args: req.args };
  const user = mention.openId ? await d.users.findByOpenId(mention.openId) : null;
  if (!user) throw usageError('paging.notRegistered', { name: mention.name });
  return { user, args: req.args.slice(1) };
}

/** `/notify` (`/通知`): how I am paged per severity, and my quiet hours; view or change them. */
export const notifyCommand: Command = {
  name: 'notify',
  aliases: ['通知'],
  usage: 'cmd.notify.usage',
  description: 'cmd.notify.description',
  minRole: 'viewer',
  run: async (req, d): Promise<Reply> => {
    const { user, args } = await target(req, d);
    let settings = await d.notify.get(user.id);
    if (args.length) settings = await d.notify.set(user.id, applyNotifyArgs(settings, args, d.locale), actorOf(req.user), req.user);
    return textReply(t(d.locale, args.length ? 'paging.titleSaved' : 'paging.title'), describeNotify(d.locale, user.name, settings), args.length ? 'green' : undefined);
  },
};
