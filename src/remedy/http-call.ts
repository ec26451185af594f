import type { OutboundRequest } from './render-request';

/** What one attempt's call came to. `ok`: a 2xx answer. */
export interface CallResult {
  ok: boolean;
  /** null when no answer came (refused, timed out, DNS). */
  status: number | null;
  durationMs: number;
  /** The answer's first lines (or why there is none). */
  answer: string;
  error: string | null;
}

export const CALL_LIMITS = {
  /** Bytes of an answer read at most; the rest is never downloaded. */
  maxAnswerBytes: 65_536,
  /** Lines of the answer kept, each cut to lineChars. */
  lines: 5,
  lineChars: 200,
} as const;

/** The first lines of an answer, as shown in the thread and kept on the run. */
export function firstLines(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, CALL_LIMITS.lines)
    .map((l) => (l.length > CALL_LIMITS.lineChars ? `${l.slice(0, CALL_LIMITS.lineChars)}…` : l))
    .join('\n');
}

/**
 * One outbound call with a deadline over the whole exchange (headers and body) and a cap on
 * what is read. Redirects are not followed (a 3xx is the answer): an action calls the URL it
 * was given, never a scheme or host a target points it to.
 */
export async function callHttp(req: OutboundRequest, timeoutMs: number, now: () => number = Date.now): Promise<CallResult> {
  const started = now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal });
    const text = await readCapped(res, CALL_LIMITS.maxAnswerBytes);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, durationMs: now() - started, answer: firstLines(text), error: ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const timedOut = signal.aborted;
    const error = timedOut ? `no answer within ${timeoutMs} ms` : causeOf(e);
    return { ok: false, status: null, durationMs: now() - started, answer: '', error };
  }
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, …). */
function causeOf(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return (cause ? `${err.message ?? 'request failed'}: ${cause}` : (err.message ?? String(e))).slice(0, 300);
}
