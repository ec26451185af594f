import { rm } from 'node:fs/promises';
import type { Clock } from '../../src/core/clock';
import { startPromduty, type Promduty } from '../../src/main';
import type { Role } from '../../src/config/settings';
import { dropRedisPrefix, freshDatabase, testSettings } from './env';

export interface TestApp {
  app: Promduty;
  url: string;
  /** JSON request with the admin token unless `token` says otherwise (null: none). */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * Starts the real promduty (same wiring as `npm start`) on an ephemeral port against a
 * fresh database and Redis prefix; `close` stops it and drops both.
 */
export async function startTestApp(opts: { env?: Record<string, string>; clock?: Clock; role?: Role } = {}): Promise<TestApp> {
  const database = await freshDatabase();
  await database.db.destroy(); // the app opens its own pool
  const settings = testSettings(database.url, opts.env);
  let app: Promduty;
  try {
    app = await startPromduty(settings, { clock: opts.clock, role: opts.role ?? 'all' });
  } catch (e) {
    // A start that is refused (tests of refusals) leaves no database behind.
    await database.drop();
    throw e;
  }
  const url = app.url ?? '';
  return {
    app,
    url,
    api: async (method, path, body, token = settings.apiToken) => {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (metrics, YAML): keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: async () => {
      await app.stop();
      await database.drop();
      await dropRedisPrefix(settings.redisPrefix);
      await rm(settings.configDir, { recursive: true, force: true });
    },
  };
}
