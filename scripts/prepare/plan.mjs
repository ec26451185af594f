// @ts-check
// What `npm test` needs on the machine, and what to do about what is missing: pure functions of
// plain facts (scripts/prepare/machine.mjs gathers the facts and runs the steps). Plain Node, no
// dependencies: it runs before tsx and before anything in node_modules matters.

/**
 * Every program or file a test runs or reads, and the Debian package that provides it.
 * `dirs`: where else to look than $PATH (Debian keeps daemons in /usr/sbin, which is not on a
 * normal user's PATH). `file`: an absolute path instead of a command.
 * @typedef {{ name: string, pkg: string, file?: string, dirs?: string[], why: string }} Requirement
 */

/** @type {readonly Requirement[]} */
export const REQUIREMENTS = [
  { name: 'prometheus', pkg: 'prometheus', why: 'e2e: real Prometheus instances' },
  { name: 'promtool', pkg: 'prometheus', why: 'checks rendered configs and rules' },
  { name: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager', why: 'e2e: real Alertmanager' },
  { name: 'amtool', pkg: 'prometheus-alertmanager', why: 'checks rendered alertmanager.yml' },
  { name: 'prometheus-node-exporter', pkg: 'prometheus-node-exporter', why: 'the demo world the browser test runs' },
  { name: 'victoria-metrics', pkg: 'victoria-metrics', why: 'central store behind sharded pools' },
  { name: 'vmagent', pkg: 'victoria-metrics', why: 'remote write into VictoriaMetrics' },
  { name: 'vmalert', pkg: 'victoria-metrics', why: 'rules evaluated against the central store' },
  { name: 'docker-compose', pkg: 'docker-compose', why: 'checks docker-compose.yml (no Docker engine needed)' },
  { name: 'chromium', pkg: 'chromium', why: 'the sandbox page in a browser' },
  {
    name: 'NotoColorEmoji.ttf',
    file: '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf',
    pkg: 'fonts-noto-color-emoji',
    why: "without it Chromium draws the cards' emoji as empty boxes in screenshots",
  },
  {
    name: 'wqy-microhei.ttc',
    file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
    pkg: 'fonts-wqy-microhei',
    why: 'without it Chromium draws the Chinese cards (LOCALE=zh-CN) as empty boxes in screenshots',
  },
  { name: 'strace', pkg: 'strace', why: "fault test: Redis's fsyncs made slow (a busy disk) before it is killed" },
  { name: 'curl', pkg: 'curl', why: 'scripts/pull-config.sh' },
  { name: 'python3', pkg: 'python3', why: 'scripts/pull-config.sh' },
  { name: 'mariadbd', pkg: 'mariadb-server', dirs: ['/usr/sbin', '/usr/local/sbin'], why: 'the shared MariaDB, and private ones for fault tests' },
  { name: 'mariadb-install-db', pkg: 'mariadb-server', why: "fault tests' private MariaDB data directories" },
  { name: 'redis-server', pkg: 'redis-server', why: 'the shared Redis, and private ones for fault tests' },
];

/** Debian package that provides `name` (a requirement's name), or undefined. @param {string} name */
export function packageFor(name) {
  return REQUIREMENTS.find((r) => r.name === name)?.pkg;
}

/** The line a person runs to get `name`. @param {string} name */
export function installHint(name) {
  const pkg = packageFor(name) ?? name;
  return `apt-get install -y ${pkg}`;
}

// The commands, exactly as .ci/run ran them before this module existed.
export const APT_UPDATE = ['apt-get', 'update', '-q'];
export const aptInstall = (/** @type {string[]} */ pkgs) => ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...pkgs];
/** mariadbd needs its socket directory, which a container's fresh /run does not have. */
export const MARIADB_RUN_DIR = ['install', '-d', '-o', 'mysql', '-g', 'root', '-m', '0755', '/run/mysqld'];
export const MARIADB_START = ['start-stop-daemon', '--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'];
export const REDIS_START = ['redis-server', '--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'];
/**
 * A MariaDB that apt has just installed lets root in through the unix socket only; the tests
 * (and promduty's default DATABASE_URL) connect as root without a password over TCP. Only run
 * on a server this preparation installed itself, never on one someone set up.
 */
export const MARIADB_ROOT_SQL =
  "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');" +
  " CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';" +
  " GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;";
export const MARIADB_ROOT = ['mariadb', '--protocol=socket', '-uroot', '-e', MARIADB_ROOT_SQL];

/**
 * What the machine looks like.
 * @typedef {{
 *   present: Record<string, boolean>,
 *   root: boolean,
 *   apt: boolean,
 *   mariadb: Service,
 *   redis: Service,
 * }} Facts
 * `up`: something answers at `address`; `local`: `address` is the default 127.0.0.1:3306 /
 * 127.0.0.1:6379, which preparation may start (a TEST_MYSQL_URL elsewhere is yours to run).
 * @typedef {{ up: boolean, address: string, local: boolean, env: string }} Service
 */

/**
 * One thing to do: run a command (`root`: it needs root; `unless`: skip it if that service
 * answers by then, as when apt's install script started it), or wait until a service answers.
 * @typedef {'mariadb' | 'redis'} ServiceName
 * @typedef {{ run: string[], root: boolean, why: string, unless?: ServiceName } | { wait: ServiceName, why: string }} Step
 */

/**
 * @typedef {{
 *   missing: string[],
 *   packages: string[],
 *   steps: Step[],
 *   blocked: string | null,
 *   manual: string[],
 * }} Plan
 * `steps`: what preparation does (empty when nothing is missing, or when it is blocked).
 * `blocked`: why it cannot do them itself; then `manual` lists the exact commands to run.
 */

/** @param {Facts} facts @returns {Plan} */
export function planPreparation(facts) {
  const missing = REQUIREMENTS.filter((r) => !facts.present[r.name]).map((r) => r.name);
  const packages = [...new Set(REQUIREMENTS.filter((r) => missing.includes(r.name)).map((r) => r.pkg))];
  const { mariadb: db, redis } = facts;
  const startDb = !db.up && db.local;
  const startRedis = !redis.up && redis.local;
  /** @type {Step[]} */
  const steps = [];
  if (packages.length) {
    steps.push({ run: APT_UPDATE, root: true, why: 'package lists (once: something is missing)' });
    steps.push({ run: aptInstall(packages), root: true, why: `missing: ${missing.join(', ')}` });
  }
  if (startDb) {
    steps.push({ run: MARIADB_RUN_DIR, root: true, why: "mariadbd's socket directory", unless: 'mariadb' });
    steps.push({ run: MARIADB_START, root: true, why: `MariaDB is down at ${db.address}`, unless: 'mariadb' });
  }
  // Redis runs as any user (loopback, nothing written), so starting it needs no root.
  if (startRedis) steps.push({ run: REDIS_START, root: false, why: `Redis is down at ${redis.address}`, unless: 'redis' });
  if (startDb) steps.push({ wait: 'mariadb', why: 'MariaDB opening its port' });
  if (startRedis) steps.push({ wait: 'redis', why: 'Redis answering' });
  // Only a server this run installs and starts is ours to configure; one already answering on
  // 3306 without mariadb-server installed here (a container, say) is left alone.
  if (startDb && packages.includes('mariadb-server')) {
    steps.push({ run: MARIADB_ROOT, root: true, why: 'the MariaDB installed just now: root without a password over TCP, as the tests connect' });
  }

  /** Why preparation cannot do it itself. */
  const blocked = [];
  for (const s of [db, redis]) {
    if (!s.up && !s.local) blocked.push(`nothing answers at ${s.address} (${s.env}): start it, or unset ${s.env} to use the default`);
  }
  if (packages.length && !facts.apt) blocked.push("apt-get is not available: install the Debian packages below (or your system's equivalents)");
  const needRoot = [...(packages.length ? ['installing packages'] : []), ...(startDb ? ['starting MariaDB'] : [])];
  if (!facts.root && needRoot.length) blocked.push(`not running as root, which ${needRoot.join(' and ')} needs`);
  if (blocked.length) return { missing, packages, steps: [], blocked: blocked.join('; '), manual: manualCommands(steps, facts.root) };
  return { missing, packages, steps, blocked: null, manual: [] };
}

/** @param {Step[]} steps @param {boolean} root */
function manualCommands(steps, root) {
  return steps.flatMap((s) => ('run' in s ? [`${s.root && !root ? 'sudo ' : ''}${shellLine(s.run)}`] : []));
}

/** A command as one shell line (arguments quoted where the shell would split them). */
export function shellLine(/** @type {string[]} */ argv) {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}
