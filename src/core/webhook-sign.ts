import { createHmac } from 'node:crypto';

/** Above this a "seconds" timestamp is really milliseconds (year 5138 in seconds). */
const MAX_SECONDS = 1e11;

/**
 * Signature of a Feishu custom-bot (webhook) request. Feishu's scheme is unusual: the
 * HMAC key is `timestamp + "\n" + secret` and the signed data is empty, so the secret never
 * travels and a captured signature is only good while Feishu accepts its timestamp (1 h).
 * Refuses fractional or millisecond timestamps: Feishu would answer "sign match fail",
 * which hides the real mistake.
 */
export function signWebhook(secret: string, timestampSeconds: number): string {
  if (!Number.isInteger(timestampSeconds) || timestampSeconds < 0 || timestampSeconds >= MAX_SECONDS) {
    throw new RangeError(`webhook timestamp must be whole seconds since the epoch, got ${timestampSeconds}`);
  }
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
