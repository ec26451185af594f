import { parseDuration } from '../core/names';

/**
 * The command-line flags promduty expects of a Prometheus it publishes rules to (README,
 * "Prometheus flags promduty expects"), checked against what the instance reports at
 * `/api/v1/status/flags` after a reload. `--web.enable-lifecycle` needs no check: without it
 * the reload itself fails and the publish says so.
 *
 * `--rules.alert.resend-delay` must be below the evaluation interval: Prometheus forgets its
 * Alertmanagers on every reload until its notifier discovery delivers them again, drops what it
 * sends meanwhile, and sends a firing alert again only at the first evaluation after the resend
 * delay. A new rule is often first evaluated in that gap; with the default 1 m delay its first
 * card then waits a minute.
 */
export const RESEND_DELAY_FLAG = 'rules.alert.resend-delay';
/** Prometheus' default when the flag is not given. */
const DEFAULT_RESEND_DELAY = '1m';

/** What is wrong with an instance's flags for a pool evaluating every `evaluationInterval`; empty when nothing. */
export function prometheusFlagProblems(flags: Readonly<Record<string, string>>, evaluationInterval: string): string[] {
  const delay = flags[RESEND_DELAY_FLAG] ?? DEFAULT_RESEND_DELAY;
  const delayMs = parseDuration(delay);
  const intervalMs = parseDuration(evaluationInterval);
  if (delayMs === null || intervalMs === null || delayMs < intervalMs) return [];
  return [
    `--${RESEND_DELAY_FLAG}=${delay} is not below the pool's evaluation interval (${evaluationInterval}): ` +
      `a new rule's first alert can reach Alertmanager ${delay} late, since Prometheus drops what it sends right after a reload; ` +
      `start Prometheus with a lower --${RESEND_DELAY_FLAG}`,
  ];
}
