import { ackCommand, unackCommand } from './commands/ack';
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
];

export const findCommand = (name: string, commands: readonly Command[] = COMMANDS): Command | undefined =>
  commands.find((c) => c.name === name);
