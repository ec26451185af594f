import { createHmac } from 'node:crypto';
import { compileTemplate, isProblem, renderTemplate, type AlertTemplateData } from '../rules/go-template-eval';
import { signWebhook } from '../core/webhook-sign';

/** An action as the call needs it (secrets in the clear: this never leaves the worker). */
export interface ActionCall {
  id: number;
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  secret: string | null;
}

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The headers a signed call carries; README "Actions (self-healing)" says how to check them. */
export const SIGN_HEADERS = {
  timestamp: 'X-Promduty-Timestamp',
  sign: 'X-Promduty-Sign',
  bodySign: 'X-Promduty-Body-Sign',
} as const;

/**
 * The HTTP request of one attempt of a run. The URL and body are rendered over the alert; the
 * rendered URL must still be http(s) (its scheme is literal in the template, checked again
 * here). With a secret, the request is signed as Feishu signs custom-bot calls
 * (`X-Promduty-Sign` = base64 HMAC-SHA256 keyed with `timestamp + "\n" + secret` over nothing:
 * proves the caller holds the secret, fresh by the timestamp) and, since that does not cover
 * the body, `X-Promduty-Body-Sign` = base64 HMAC-SHA256 keyed with the secret over
 * `timestamp + "\n" + body`. `Idempotency-Key` is the run: every attempt of one run carries the
 * same key, so a target can drop a retry of a call it did act on.
 */
export function renderRequest(a: ActionCall, data: AlertTemplateData, run: { id: number; attempt: number; timestampSeconds: number }): OutboundRequest {
  const url = render(a.url, data, 'url').trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RenderError(`the URL renders to something that is not a URL: ${url.slice(0, 200)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RenderError(`only http and https are called, not ${parsed.protocol}`);
  const body = a.body === null || a.method === 'GET' ? undefined : render(a.body, data, 'body');
  const headers: Record<string, string> = {
    'User-Agent': 'promduty-actions',
    'Idempotency-Key': `promduty-run-${run.id}`,
    'X-Promduty-Action': a.name,
    'X-Promduty-Attempt': String(run.attempt),
    ...(body !== undefined && { 'Content-Type': 'application/json' }),
    ...a.headers,
  };
  if (a.secret) {
    const ts = run.timestampSeconds;
    headers[SIGN_HEADERS.timestamp] = String(ts);
    headers[SIGN_HEADERS.sign] = signWebhook(a.secret, ts);
    headers[SIGN_HEADERS.bodySign] = createHmac('sha256', a.secret).update(`${ts}\n${body ?? ''}`).digest('base64');
  }
  return { method: a.method, url: parsed.toString(), headers, body };
}

/** A template that was accepted when saved but cannot make a request now (rendered too long, a bad URL). */
export class RenderError extends Error {}

function render(text: string, data: AlertTemplateData, what: string): string {
  const t = compileTemplate(text);
  // Checked when the action was saved; a row edited by hand is refused here, not run half-rendered.
  if (isProblem(t)) throw new RenderError(`the ${what} template is not valid: ${t.message}`);
  try {
    return renderTemplate(t, data);
  } catch (e) {
    if (e instanceof RangeError) throw new RenderError(`the ${what}: ${e.message}`);
    throw e;
  }
}
