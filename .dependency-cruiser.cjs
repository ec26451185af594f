/**
 * The walls between promduty's rooms, checked by `npm run lint` (depcruise src). README,
 * "Architecture", explains the rooms; test/unit/boundaries.test.ts shows each wall refusing
 * a forbidden import. Paths are relative to the repository root.
 */

/**
 * Pure modules: functions of plain data (card builders, renderers, roster maths, PromQL /
 * template / regex / relabel checks, sharding and rule placement, delivery planning) and the
 * core helpers they stand on. They may import only each other, so a pure module cannot reach
 * a database or a network through a neighbour either.
 */
const PURE = [
  '^src/cards/',
  '^src/[^/]+/render-[^/]+[.]ts$',
  '^src/core/(errors|names|validate|yaml|hashing|sorted-record|text|feishu-limits|re2|clock)[.]ts$',
  '^src/oncall/(roster|dates|shifts|zone|calendar|group-schema|shift-runs|vtimezone|ical-fold)[.]ts$',
  '^src/rules/(model|promql|promql-[^/]+|go-template|go-template-[^/]+|rule-fields|placement|pool-rule-files|alert-rule-schema|record-rule-schema)[.]ts$',
  '^src/scrape/(model|relabel|sharding|http-sd|scrape-config|job-schema|pool-schema|topology)[.]ts$',
  '^src/publish/topology-view[.]ts$',
  '^src/routing/(model|validate|cluster-schema|send-group-schema)[.]ts$',
  '^src/events/(delivery-plan|outbox-keys|transition|webhook)[.]ts$',
  '^src/stats/(figures|local-days)[.]ts$',
  '^src/querylog/(parse|rank)[.]ts$',
];

/** Packages and Node modules that do I/O, or are one of the infrastructure clients. */
const pkg = (names) => `(^|node_modules/)(${names.join('|')})(/|$)`;
const IO = [
  pkg(['knex', 'mysql2', 'ioredis', 'bullmq', '@larksuiteoapi', 'koa', '@koa', 'koa-bodyparser', 'rate-limiter-flexible']),
  '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|worker_threads)$',
];

/** The domain: what promduty manages and decides. Reaches transports only through core/ports.ts. */
const DOMAIN = '^src/(users|inventory|scrape|rules|routing|instances|publish|oncall|events|chat|alertmanager|cards|stats|querylog)/';
const WIRING = '^src/(main[.]ts$|wiring/)';

module.exports = {
  forbidden: [
    {
      name: 'pure-imports-pure',
      severity: 'error',
      comment: 'A pure module (see PURE) imports only other pure modules: no service, store or client, not even through a neighbour.',
      from: { path: PURE },
      to: { path: '^src/', pathNot: PURE },
    },
    {
      name: 'pure-no-io',
      severity: 'error',
      comment: 'Card builders, renderers, roster maths, checks and delivery planning import no database, Redis, queue, Feishu SDK, Koa, file system or child process.',
      from: { path: PURE },
      to: { path: IO },
    },
    {
      name: 'core-is-the-floor',
      severity: 'error',
      comment: 'src/core/ (errors, clock, names, ports, text, YAML, …) imports no other room.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'db-stands-on-core',
      severity: 'error',
      comment: 'src/db/ (knex helpers, migrations, audit) imports only core and the migrations.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(core|db)/' },
    },
    {
      name: 'domain-no-transport',
      severity: 'error',
      comment:
        'Domain rooms (and chat, which is transport-independent) import no HTTP routes, queues, Feishu adapter, sandbox or wiring: ' +
        'they ask for publishing, sending and scheduling through the interfaces in src/core/ports.ts.',
      from: { path: DOMAIN },
      to: { path: '^src/(http|queue|feishu|sandbox|wiring)/|^src/main[.]ts$' },
    },
    {
      name: 'domain-no-transport-packages',
      severity: 'error',
      comment: 'Domain rooms import neither Koa, BullMQ nor the Feishu SDK.',
      from: { path: DOMAIN },
      to: { path: pkg(['koa', '@koa', 'koa-bodyparser', 'bullmq', '@larksuiteoapi']) },
    },
    {
      name: 'feishu-is-an-adapter',
      severity: 'error',
      comment: 'src/feishu/ translates between Feishu and promduty; it does not reach into queues, HTTP routes or the wiring (they are handed in).',
      from: { path: '^src/feishu/' },
      to: { path: '^src/(queue|http|wiring)/|^src/main[.]ts$' },
    },
    {
      name: 'only-wiring-imports-wiring',
      severity: 'error',
      comment: 'main.ts and src/wiring/ assemble everything; nothing else imports them.',
      from: { path: '^src/', pathNot: WIRING },
      to: { path: WIRING },
    },
    {
      name: 'only-wiring-constructs-clients',
      severity: 'error',
      comment:
        'Infrastructure clients (knex, ioredis, BullMQ Queues and Workers, the Feishu SDK client, long connection and dispatcher) are made ' +
        'in main.ts and src/wiring/ only: their factories may be imported, other than for types, from there alone.',
      from: { path: '^src/', pathNot: WIRING },
      to: {
        path: '^src/(db/connect|queue/queues|queue/workers|feishu/client|feishu/ws|feishu/dispatcher)[.]ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'redis-made-in-wiring',
      severity: 'error',
      comment: 'A Redis connection is made in main.ts / src/wiring/; everything else takes one (type imports only).',
      from: { path: '^src/', pathNot: WIRING },
      to: { path: pkg(['ioredis']), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'knex-made-in-db-connect',
      severity: 'error',
      comment: 'The knex factory is called in src/db/connect.ts alone (itself imported by the wiring only); elsewhere knex is a type.',
      from: { path: '^src/', pathNot: '^src/db/connect[.]ts$' },
      to: { path: pkg(['knex']), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bullmq-in-queue',
      severity: 'error',
      comment: 'BullMQ belongs to src/queue/ (and the wiring that starts it).',
      from: { path: '^src/', pathNot: `^src/queue/|${WIRING}` },
      to: { path: pkg(['bullmq']) },
    },
    {
      name: 'feishu-sdk-in-feishu',
      severity: 'error',
      comment: 'The Feishu SDK belongs to the Feishu adapter (and the wiring that hands its dispatcher around).',
      from: { path: '^src/', pathNot: `^src/feishu/|${WIRING}` },
      to: { path: pkg(['@larksuiteoapi']) },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type imports count: a pure module must not even name a store's types.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.d.ts', '.js', '.mjs', '.json'] },
  },
};
