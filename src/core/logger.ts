import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino: fast, and its redaction keeps secrets out of every line that
 * carries a config object or request headers).
 */
export function createLogger(level: string, name = 'promduty'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        '*.authorization',
        '*.Authorization',
        'headers.authorization',
        'req.headers.authorization',
        '*.password',
        '*.secret',
        '*.appSecret',
        '*.app_secret',
        '*.webhookSecret',
        '*.webhook_secret',
        '*.bearerToken',
        '*.bearer_token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing: tests pass it where the output is noise. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
