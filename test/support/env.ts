import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadSettings, type Settings } from '../../src/config/settings';
import { type Knex } from '../../src/db/knex';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/connect';
import { migrateLatest } from '../../src/db/migrate';
import { deleteByPrefix } from '../../src/core/redis-prefix';

export const MYSQL_BASE = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other test process uses: database names and Redis prefixes derive from it. */
export const uniqueName = (kind: string): string => `pd_${kind}_${process.pid}_${randomBytes(3).toString('hex')}`;

export interface TestDatabase {
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file (GoAlert-style: nothing shared). */
export async function freshDatabase(): Promise<TestDatabase> {
  const url = `${MYSQL_BASE}/${uniqueName('db')}`;
  await ensureDatabase(url);
  const db = createKnex(url, { min: 0, max: 5 });
  await migrateLatest(db);
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}

/** Deletes every key under a prefix (SCAN, not KEYS, so a busy Redis is not blocked). */
export async function dropRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url);
  try {
    await deleteByPrefix(r, prefix);
  } finally {
    r.disconnect();
  }
}

/** Settings for a test app: given database, own Redis prefix, ephemeral port, quiet logs. */
export function testSettings(databaseUrl: string, env: Record<string, string> = {}): Settings {
  return loadSettings({
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: uniqueName('redis'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKEN: 'test-api-token',
    WEBHOOK_TOKEN: 'test-webhook-token',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    CONFIG_DIR: `/tmp/${uniqueName('config')}`,
    TZ: 'Asia/Shanghai',
    // Tests written against the English texts; the Chinese ones set LOCALE: 'zh-CN' themselves.
    LOCALE: 'en',
    // The shared test Redis runs without AOF; tests with a Feishu app configured (production
    // mode) would otherwise refuse to start. The durability tests set it themselves.
    REDIS_REQUIRE_DURABLE: 'false',
    ...env,
  });
}
