import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dropDatabase } from '../../src/db/connect';
import { dropRedisPrefix, MYSQL_BASE, REDIS_URL, uniqueName } from '../support/env';
import { freePort, waitFor } from '../support/processes';

const waitReady = (url: string, ms: number) => waitFor(`${url} to answer 200`, async () => (await fetch(url)).status === 200, ms);

// The start compiles all of src/ with tsx: ~5 s on a quiet box, over 60 s at a load average of 20+
// (seen on the 2-core CI box with other builds running). The wait is patience, not a speed check.
test('the real process creates its database, serves /readyz, and stops cleanly on SIGTERM', { timeout: 240_000 }, async () => {
  const port = await freePort();
  const databaseUrl = `${MYSQL_BASE}/${uniqueName('proc')}`;
  const prefix = uniqueName('proc');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += String(c)));
  child.stderr.on('data', (c) => (out += String(c)));
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, 180_000);
    assert.match(out, /Feishu delivery is off/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, out);
    assert.match(out, /"msg":"stopped"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await dropDatabase(databaseUrl);
    await dropRedisPrefix(prefix);
  }
});

test('a bad setting stops the start with a message naming the variable', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: 'eighty', TZ: 'Asia/Shanghai' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => (err += String(c)));
  const [code] = await once(child, 'exit');
  assert.equal(code, 2);
  assert.match(err, /PORT: /);
});
