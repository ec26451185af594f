import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './processes';

/** Runs the real Debian promtool / amtool on rendered files (written to a scratch dir). */

export interface ToolResult {
  status: number | null;
  output: string;
}

function withFiles(files: Record<string, string>, run: (dir: string) => ToolResult): ToolResult {
  const dir = mkdtempSync(join(tmpdir(), 'promduty-tools-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tool(cmd: string, args: string[], cwd: string): ToolResult {
  requireBinary(cmd);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

export const promtoolCheckRules = (ruleFile: string): ToolResult =>
  withFiles({ 'rules.yml': ruleFile }, (dir) => tool('promtool', ['check', 'rules', 'rules.yml'], dir));

/** `promtool test rules`: the rule file next to a unit-test file that refers to it as rules.yml. */
export const promtoolTestRules = (ruleFile: string, testFile: string): ToolResult =>
  withFiles({ 'rules.yml': ruleFile, 'test.yml': testFile }, (dir) => tool('promtool', ['test', 'rules', 'test.yml'], dir));

export const amtoolCheckConfig = (config: string): ToolResult =>
  withFiles({ 'alertmanager.yml': config }, (dir) => tool('amtool', ['check-config', 'alertmanager.yml'], dir));

/** The receiver Alertmanager's routing tree picks for an alert with these labels. */
export function amtoolRoute(config: string, labels: Record<string, string>): string {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const r = withFiles({ 'alertmanager.yml': config }, (dir) =>
    tool('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...args], dir),
  );
  assert.equal(r.status, 0, r.output);
  return r.output.replace(/^Warning:.*$/gm, '').trim();
}

export function assertToolOk(r: ToolResult): void {
  assert.equal(r.status, 0, r.output);
}
