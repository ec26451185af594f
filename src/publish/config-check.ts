import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSet } from '../core/files';
import type { Logger } from '../core/logger';

/**
 * The last word on a rendered config before it replaces a working one: Prometheus' own
 * `promtool check config` (which also checks the rule files it names) and Alertmanager's
 * `amtool check-config`, run on a scratch copy of an instance's whole file set, once per
 * instance, as a child process (never on the event loop). A file set the tool refuses is not
 * written; the instance keeps its last good files.
 */
/** An instance's file set as the publisher has it (PublishTarget). */
export interface CheckTarget {
  kind: 'prometheus' | 'alertmanager';
  /** The file the server is started with; the others are referenced from it. */
  configFile: string;
  /** Only rule files (a vmalert instance): `promtool check rules` on each. */
  rulesOnly?: boolean;
  files: { path: string; content: string; mode?: number }[];
}

export interface ConfigCheck {
  /** Why the tool refuses the target's files; null when it accepts them or cannot judge (logged once). */
  refusal(target: CheckTarget): Promise<string | null>;
}

export interface ToolPaths {
  promtool: string;
  amtool: string;
  /** A tool that has not answered by then is killed, and the files go out unchecked. */
  timeoutMs: number;
}

const DEFAULT_TOOLS: ToolPaths = { promtool: 'promtool', amtool: 'amtool', timeoutMs: 60_000 };

type Verdict = { code: number; output: string };
type Run = Verdict | { missing: true } | { timedOut: true };

export function toolConfigCheck(logger: Logger, tools: Partial<ToolPaths> = {}): ConfigCheck {
  const t = { ...DEFAULT_TOOLS, ...tools };
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(message);
  };

  const run = (cmd: string, args: string[], cwd: string): Promise<Run> =>
    new Promise((resolve) => {
      execFile(cmd, args, { cwd, timeout: t.timeoutMs, maxBuffer: 4 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (!error) return resolve({ code: 0, output });
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        if (e.code === 'ENOENT') return resolve({ missing: true });
        if (e.killed) return resolve({ timedOut: true });
        resolve({ code: typeof e.code === 'number' ? e.code : 1, output });
      });
    });

  /** The tool's verdict on the files in `dir`, or null when it could not give one. */
  const judge = async (cmd: string, args: string[], dir: string): Promise<Verdict | null> => {
    const r = await run(cmd, args, dir);
    if ('missing' in r) {
      warnOnce(cmd, `${cmd} is not installed: published configs are not checked before they replace the running ones (install it, see README)`);
      return null;
    }
    if ('timedOut' in r) {
      logger.warn({ cmd, timeoutMs: t.timeoutMs }, `${cmd} did not answer in time: these files go out unchecked`);
      return null;
    }
    return r;
  };

  return {
    async refusal(target) {
      const dir = await mkdtemp(join(tmpdir(), 'promduty-check-'));
      try {
        await writeFileSet(dir, target.files);
        if (target.kind === 'alertmanager') {
          const r = await judge(t.amtool, ['check-config', target.configFile], dir);
          return r && r.code !== 0 ? `amtool check-config refused it: ${failures(r.output, dir)}` : null;
        }
        if (target.rulesOnly) {
          const rr = await judge(t.promtool, ['check', 'rules', ...target.files.map((f) => f.path)], dir);
          return rr && rr.code !== 0 ? `promtool check rules refused it: ${failures(rr.output, dir)}` : null;
        }
        const r = await judge(t.promtool, ['check', 'config', target.configFile], dir);
        if (!r || r.code === 0) return null;
        // Debian's promtool is built without kubernetes_sd (as its Prometheus is): it cannot
        // judge such a prometheus.yml, but it can still judge the rule files.
        if (/field kubernetes_sd_configs not found/.test(r.output)) {
          warnOnce('kubernetes_sd', `${t.promtool} was built without kubernetes_sd: for pools with kubernetes_sd jobs only the rule files are checked`);
          const rules = target.files.map((f) => f.path).filter((p) => p !== target.configFile && p.endsWith('.yml'));
          const rr = rules.length ? await judge(t.promtool, ['check', 'rules', ...rules], dir) : null;
          return rr && rr.code !== 0 ? `promtool check rules refused it: ${failures(rr.output, dir)}` : null;
        }
        return `promtool check config refused it: ${failures(r.output, dir)}`;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What the tool said was wrong, on one line: its progress and success lines dropped, the scratch path cut. */
function failures(output: string, dir: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replaceAll(`${dir}/`, '').replace(/^\s*Checking \S+/, '').trim())
    .filter((l) => l && !/SUCCESS/.test(l) && !/^amtool: error: failed to validate/.test(l));
  const text = lines.join(' ').replace(/\s+/g, ' ');
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text || 'it failed without saying why';
}
