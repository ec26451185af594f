import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { AppError } from '../core/errors';

/** `1mb`, `512kb` (settings.bodyLimit) in bytes. */
export function byteLimit(limit: string): number {
  const m = /^(\d+)(kb|mb)$/.exec(limit);
  if (!m) throw new RangeError(`not a byte size: ${limit}`);
  return Number(m[1]) * (m[2] === 'mb' ? 1024 * 1024 : 1024);
}

const tooLarge = () => new AppError('payload_too_large', 'request body is too large');

/**
 * The request body as JSON, read with a size limit, for a route that runs before the shared
 * body parser because it is hot (the Alertmanager webhook). Plain JSON.parse is safe here
 * except for `__proto__` keys, which are refused like the shared parser refuses them.
 */
export async function readJson(ctx: Context, limitBytes: number): Promise<unknown> {
  const text = await readBodyText(ctx, limitBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'body is not valid JSON');
  }
  if (text.includes('"__proto__"')) throw new AppError('validation_failed', 'body must not hold "__proto__" keys');
  return body;
}

/** The request body as UTF-8 text, read with a size limit (413 beyond it, before reading when the length is declared). */
export async function readBodyText(ctx: Context, limitBytes: number): Promise<string> {
  if (Number(ctx.get('content-length')) > limitBytes) throw tooLarge();
  return readText(ctx.req, limitBytes);
}

// Plain 'data' events: `for await` over the request costs an async iterator and a promise
// per chunk, which shows on the webhook's profile.
function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
