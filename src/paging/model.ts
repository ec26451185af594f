import { z } from 'zod';

/**
 * How a person is reached: `chat` is the private card alone; the others add a Feishu buzz
 * (加急) on that card: in the app, by SMS, by phone call. SMS and phone cost the tenant money
 * and may be switched off for it: their refusal falls back to an app buzz.
 */
export const PAGE_CHANNELS = ['chat', 'buzz_app', 'sms', 'phone'] as const;
export type PageChannel = (typeof PAGE_CHANNELS)[number];
export const pageChannel = z.enum(PAGE_CHANNELS);

export type BuzzKind = 'app' | 'sms' | 'phone';

/** The buzz a channel asks for; null for chat only. */
export function buzzKindOf(channel: PageChannel): BuzzKind | null {
  if (channel === 'chat') return null;
  return channel === 'buzz_app' ? 'app' : channel;
}

const STRENGTH: Record<PageChannel, number> = { chat: 0, buzz_app: 1, sms: 2, phone: 3 };
export const strongerChannel = (a: PageChannel, b: PageChannel): PageChannel => (STRENGTH[a] >= STRENGTH[b] ? a : b);

/** Severities a rule may name; `default` covers every other (and a missing) severity. */
export const SEVERITY_KEYS = ['critical', 'warning', 'info', 'default'] as const;
export type SeverityKey = (typeof SEVERITY_KEYS)[number];

export const severityKeyOf = (severity: string | null | undefined): SeverityKey => {
  const s = severity?.trim().toLowerCase();
  return s === 'critical' || s === 'warning' || s === 'info' ? s : 'default';
};

/** A send group's paging: per severity, how the people it messages privately are paged. */
export const sendGroupPagingSchema = z.partialRecord(z.enum(SEVERITY_KEYS), pageChannel);
export type SendGroupPaging = z.output<typeof sendGroupPagingSchema>;

/** The default: critical alerts buzz in the app at once; the rest are chat only. */
export const DEFAULT_PAGING: SendGroupPaging = { critical: 'buzz_app' };

/** The channel a send group's paging names for a severity (its `default`, else chat). */
export function groupChannelFor(paging: SendGroupPaging, severity: string | null | undefined): PageChannel {
  return paging[severityKeyOf(severity)] ?? paging.default ?? 'chat';
}

/** One of a person's rules: how they want to be reached for a severity, and after how long. */
export const notifyRuleSchema = z
  .object({
    channel: pageChannel,
    /** Minutes after the card before the buzz (0: at once); acknowledged meanwhile, no buzz. */
    delayMinutes: z.number().int('must be a whole number of minutes').min(0, 'must not be negative').max(120, 'must be at most 120').default(0),
  })
  .strict();
export type NotifyRule = z.output<typeof notifyRuleSchema>;

const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (00:00–23:59)');

/** A person's notification settings, as the API and `/notify` take them. */
export const notifySettingsSchema = z
  .object({
    timezone: z.string().trim().min(1).max(64).nullable().default(null),
    quietHours: z
      .object({ start: hhmm, end: hhmm })
      .strict()
      .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] })
      .nullable()
      .default(null),
    criticalOverridesQuiet: z.boolean().default(true),
    rules: z.partialRecord(z.enum(SEVERITY_KEYS), notifyRuleSchema).default({}),
  })
  .strict();
export type NotifySettingsInput = z.input<typeof notifySettingsSchema>;
export type NotifySettings = z.output<typeof notifySettingsSchema>;

export const NO_SETTINGS: NotifySettings = { timezone: null, quietHours: null, criticalOverridesQuiet: true, rules: {} };

export const minutesOfDay = (hm: string): number => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
export const hhmmOf = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
