// @ts-check
// Loaded into every test process by scripts/test.mjs (`--import`): gives each test and hook
// without a `{ timeout }` of its own a default one (TEST_TIMEOUT_MS, 120 s), so a hang fails
// that test and its file's after() hooks still clean up, instead of the file hanging until the
// run's per-file ceiling kills it (orphaning its Prometheus processes, databases, Redis keys).
// Why not `--test-timeout` alone: Node 20 applies it to each test FILE, in the parent process;
// tests inside a file run with no timeout at all (checked on v20.20: a 3.5 s test passes under
// --test-timeout=3000 and its file is the one cancelled). scripts/test.mjs still passes it as
// the per-file ceiling.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { compileFunction } from 'node:vm';

const TEST_MS = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);

const nodeTest = createRequire(import.meta.url)('node:test');

/** Where the function that called our caller was called from (V8's own positions). */
function callSite() {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, sites) => sites;
  const sites = /** @type {NodeJS.CallSite[]} */ (/** @type {unknown} */ (new Error().stack));
  Error.prepareStackTrace = saved;
  const s = sites[2];
  return { file: s?.getFileName() ?? '', line: s?.getLineNumber() ?? 1, column: s?.getColumnNumber() ?? 1 };
}

/** @typedef {(...args: unknown[]) => unknown} Fn */
/** @type {Map<string, Function>} */
const callers = new Map();
/**
 * Calls `fn(...args)` from code that claims the caller's file and position. node:test records a
 * test's location as wherever test() was called from, and reports a failure as "test at <that>":
 * without this every test would be "at" this file.
 * @param {{ file: string, line: number, column: number }} site @param {Fn} fn @param {unknown[]} args
 */
function callAsCaller(site, fn, args) {
  const key = `${site.file}:${site.line}:${site.column}`;
  let call = callers.get(key);
  if (!call) {
    const prefix = 'return ';
    call = compileFunction(`${prefix}f(...a)`, ['f', 'a'], { filename: site.file, lineOffset: site.line - 1, columnOffset: site.column - 1 - prefix.length });
    callers.set(key, call);
  }
  return call(fn, args);
}

/** node:test's test/it: ([name], [options], [fn]), any of them left out. @param {any} original */
function withDefault(original) {
  const wrapped = (/** @type {unknown[]} */ ...args) => {
    const i = args.findIndex((a) => typeof a === 'object' && a !== null);
    if (i >= 0) args[i] = { timeout: TEST_MS, .../** @type {object} */ (args[i]) };
    else args.splice(typeof args[0] === 'function' ? 0 : 1, 0, { timeout: TEST_MS });
    return callAsCaller(callSite(), original, args);
  };
  return Object.assign(wrapped, { skip: original.skip, todo: original.todo, only: original.only });
}

/** before/after/beforeEach/afterEach: (fn, [options]). @param {Fn} original */
const hookWithDefault = (original) => (/** @type {unknown} */ fn, /** @type {object | undefined} */ options) => callAsCaller(callSite(), original, [fn, { timeout: TEST_MS, ...options }]);

nodeTest.test = withDefault(nodeTest.test);
nodeTest.it = withDefault(nodeTest.it);
for (const hook of ['before', 'after', 'beforeEach', 'afterEach']) nodeTest[hook] = hookWithDefault(nodeTest[hook]);
// `import { test } from 'node:test'` now sees the wrapped functions.
syncBuiltinESMExports();
