import { ackCommand, unackCommand } from './commands/ack';
import { actionsCommand } from './commands/actions';
import { alertsCommand } from './commands/alerts';
import { groupCommand } from './commands/group';
import { claimCommand } from './commands/claim';
import { configCommand } from './commands/config';
import { helpCommand } from './commands/help';
import { oncallCommand } from './commands/oncall';
import { poolsCommand } from './commands/pools';
import { rosterCommand } from './commands/roster';
import { ruleCommand } from './commands/rule';
import { rulesCommand } from './commands/rules';
import { silenceCommand } from './commands/silence';
import { statsCommand } from './commands/stats';
import { swapCommand } from './commands/swap';
import { unsilenceCommand } from './commands/unsilence';
import { whoamiCommand } from './commands/whoami';
import { notifyCommand } from './commands/notify';
import type { Command } from './types';

/** Every chat command, in the order /help lists them. */
export const COMMANDS: readonly Command[] = [
  helpCommand(() => COMMANDS),
  whoamiCommand,
  notifyCommand,
  oncallCommand,
  rosterCommand,
  swapCommand,
  alertsCommand,
  groupCommand,
  ackCommand,
  unackCommand,
  claimCommand,
  silenceCommand,
  unsilenceCommand,
  rulesCommand,
  ruleCommand,
  poolsCommand,
  configCommand,
  statsCommand,
  actionsCommand,
];

/** A command by its English name or a Chinese alias. */
export const findCommand = (name: string, commands: readonly Command[] = COMMANDS): Command | undefined =>
  commands.find((c) => c.name === name || c.aliases.includes(name));

/** The args with the command's Chinese words (`接下来`) replaced by the English ones it reads. */
export const withEnglishWords = (command: Command, args: string[]): string[] => (command.words ? args.map((a) => command.words![a] ?? a) : args);

/** Levenshtein distance over code points (Chinese aliases are one code point per character). */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * The command whose name or alias is nearest to a word that is none: a typo (`/oncal`), or
 * a prefix (`/sil`). Null when nothing is within half the word's length.
 */
export function closestCommand(word: string, commands: readonly Command[] = COMMANDS): Command | null {
  let best: { c: Command; d: number } | null = null;
  for (const c of commands) {
    for (const name of [c.name, ...c.aliases]) {
      const d = name.startsWith(word) ? 1 : editDistance(word, name);
      if (!best || d < best.d) best = { c, d };
    }
  }
  const limit = Math.max(1, Math.floor(Array.from(word).length / 2));
  return best && best.d <= limit ? best.c : null;
}
