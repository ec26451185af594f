// @ts-check
// The machine side of test preparation: look (facts), then do what scripts/prepare/plan.mjs
// decided. Kept thin: every decision is in plan.mjs, which has its own tests.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { REQUIREMENTS, planPreparation, shellLine } from './plan.mjs';

/** @typedef {import('./plan.mjs').Facts} Facts */
/** @typedef {import('./plan.mjs').Plan} Plan */
/** @typedef {import('./plan.mjs').ServiceName} ServiceName */

// The same defaults as test/support/env.ts.
const MYSQL_DEFAULT = 'mysql://root@127.0.0.1:3306';
const REDIS_DEFAULT = 'redis://127.0.0.1:6379';

/**
 * Absolute path of an executable named `name` on $PATH or in `extraDirs`, or undefined.
 * @param {string} name @param {string[]} [extraDirs]
 */
export function findExecutable(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Whether something answers at host:port within `ms`: for Redis a reply to PING, for MariaDB
 * the greeting it sends first. A port that only accepts (a frozen server) is not up.
 * @param {string} host @param {number} port @param {string} [hello] @param {number} [ms]
 * @returns {Promise<boolean>}
 */
export function answers(host, port, hello = '', ms = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (/** @type {boolean} */ up) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', () => done(true));
    if (hello) socket.once('connect', () => socket.write(hello));
  });
}

/** @param {string | undefined} env @param {string} fallback @param {number} defaultPort */
function target(env, fallback, defaultPort) {
  const u = new URL(env || fallback);
  const host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname;
  const port = Number(u.port || defaultPort);
  return { host, port, address: `${host}:${port}`, local: host === '127.0.0.1' && port === defaultPort };
}

const SERVICES = {
  mariadb: { env: 'TEST_MYSQL_URL', fallback: MYSQL_DEFAULT, port: 3306, hello: '' },
  redis: { env: 'TEST_REDIS_URL', fallback: REDIS_DEFAULT, port: 6379, hello: 'PING\r\n' },
};

/** @param {ServiceName} name */
async function probeService(name) {
  const s = SERVICES[name];
  const t = target(process.env[s.env], s.fallback, s.port);
  return { up: await answers(t.host, t.port, s.hello), address: t.address, local: t.local, env: s.env };
}

/** @param {ServiceName} name */
const serviceUp = async (name) => (await probeService(name)).up;

/** @returns {Promise<Facts>} */
export async function probe() {
  /** @type {Record<string, boolean>} */
  const present = {};
  for (const r of REQUIREMENTS) present[r.name] = r.file ? existsSync(r.file) : findExecutable(r.name, r.dirs) !== undefined;
  const [mariadb, redis] = await Promise.all([probeService('mariadb'), probeService('redis')]);
  return {
    present,
    root: process.getuid?.() === 0,
    apt: findExecutable('apt-get') !== undefined,
    mariadb,
    redis,
  };
}

const WAIT_MS = { mariadb: 60_000, redis: 30_000 };

/** @param {ServiceName} name */
async function waitUntilUp(name) {
  const deadline = Date.now() + WAIT_MS[name];
  while (!(await serviceUp(name))) {
    if (Date.now() > deadline) throw new Error(`${name} did not answer within ${WAIT_MS[name] / 1000} s after starting it`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** @param {Plan} plan @param {(line: string) => void} say */
async function carryOut(plan, say) {
  for (const step of plan.steps) {
    if ('wait' in step) {
      say(`waiting: ${step.why}`);
      await waitUntilUp(step.wait);
      continue;
    }
    if (step.unless && (await serviceUp(step.unless))) continue;
    say(`${shellLine(step.run)}   # ${step.why}`);
    const r = spawnSync(step.run[0] ?? '', step.run.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`${shellLine(step.run)} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  }
}

/**
 * Looks at the machine and makes it ready for `npm test`, or says exactly what to run.
 * `dryRun`: print the plan only. Returns false when the tests cannot run yet.
 * @param {{ dryRun?: boolean, say?: (line: string) => void }} [options]
 */
export async function prepare({ dryRun = false, say = (l) => console.error(`prepare: ${l}`) } = {}) {
  const started = Date.now();
  const facts = await probe();
  const plan = planPreparation(facts);
  const services = `MariaDB ${facts.mariadb.address} ${facts.mariadb.up ? 'up' : 'down'}, Redis ${facts.redis.address} ${facts.redis.up ? 'up' : 'down'}`;
  if (plan.blocked) {
    say(`cannot get this machine ready for the tests: ${plan.blocked}.`);
    say(`missing: ${plan.missing.join(', ') || 'nothing'}; ${services}.${plan.manual.length ? ' Run:' : ''}`);
    for (const line of plan.manual) say(`  ${line}`);
    say(`${plan.manual.length ? 'then ' : 'Then '}npm test again (PROMDUTY_TEST_PREPARE=0 npm test skips this check).`);
    return false;
  }
  if (!plan.steps.length) {
    say(`ready: all ${REQUIREMENTS.length} programs present; ${services} (${Date.now() - started} ms)`);
    return true;
  }
  if (dryRun) {
    say(`would run (missing: ${plan.missing.join(', ') || 'nothing'}; ${services}; ${facts.root ? 'root' : 'not root'}):`);
    for (const s of plan.steps) say(`  ${'run' in s ? shellLine(s.run) : `wait for ${s.wait}`}   # ${s.why}`);
    return true;
  }
  await carryOut(plan, say);
  say(`ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return true;
}
