import type { Mention } from './types';

export interface ParsedCommand {
  /** Lower case, without the slash: an English name (`oncall`) or a Chinese alias (`值班`). */
  command: string;
  args: string[];
  mentions: Map<string, Mention>;
}

const MENTION_KEY = /^@_user_\d+$/;

/** Characters of a message read as a command: far beyond any real one, and it bounds what parsing costs. */
export const MAX_COMMAND_LENGTH = 4096;

/**
 * Splits a message into a command and its words. Group messages reach the bot only when it
 * is @-mentioned, so the text starts with the bot's mention key (`@_user_1 /oncall`): the
 * mentions before the command address the bot and are dropped, those after it are
 * arguments. The slash (ASCII or full-width) is optional (`help` works in a private chat);
 * the word may be Chinese (`/值班`, see each command's aliases). Null when the text
 * holds no command word at all.
 */
export function parseCommand(text: string, mentions: readonly Mention[]): ParsedCommand | null {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && MENTION_KEY.test(words[i]!)) i++;
  const head = words[i];
  if (!head) return null;
  const command = head.replace(/^[/／]/, '').toLowerCase();
  if (!/^(?:[a-z][a-z-]*|\p{Script=Han}+)$/u.test(command)) return null;
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  return { command, args: words.slice(i + 1), mentions: byKey };
}

/** Positive integer ids from words like `42`, `#42` or `42,43`; null when one is not an id. */
export function parseIds(words: readonly string[]): number[] | null {
  const parts = words.flatMap((w) => w.split(',')).filter(Boolean);
  const ids = parts.map((p) => (/^#?\d{1,10}$/.test(p) ? Number(p.replace('#', '')) : NaN));
  if (!ids.length || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) return null;
  return [...new Set(ids)];
}
