import type { SandboxMessage } from './feishu-store';

/** A promduty user the page can act as (only users with an open_id can talk to the bot). */
export interface SandboxUser {
  name: string;
  role: string;
  openId: string;
  userId?: string | null;
}

/** A group chat promduty knows by name (a send group's or an on-call group's chat). */
export interface NamedChat {
  chatId: string;
  name: string;
}

/** Where the page reads the names of people and chats from (promduty's own data). */
export interface SandboxDirectory {
  users(): Promise<SandboxUser[]>;
  chats(): Promise<NamedChat[]>;
}

export interface SandboxChat {
  /** chat_id, or `hook:<token>` for a custom webhook bot. */
  id: string;
  kind: 'group' | 'p2p' | 'webhook';
  title: string;
  subtitle: string;
  /** p2p: the user the bot talks to. */
  openId?: string;
}

/** The chat a message shows in: its chat_id, or its webhook (`hook:<token>`). */
export const chatOf = (m: SandboxMessage): string => m.chat_id ?? m.receive_id;

/**
 * Every chat worth showing: the groups promduty names (send groups, on-call groups), each
 * user's private chat with the bot, and any other chat or webhook messages went to. Group
 * chats come first, in name order; then private chats; then webhooks.
 */
export function buildChats(
  named: NamedChat[],
  users: SandboxUser[],
  messages: SandboxMessage[],
  p2pOf: (openId: string) => string,
): SandboxChat[] {
  const groups = new Map<string, string[]>();
  for (const c of named) groups.set(c.chatId, [...(groups.get(c.chatId) ?? []), c.name]);
  const chats: SandboxChat[] = [...groups]
    .map(([id, names]): SandboxChat => {
      const distinct = [...new Set(names)];
      return { id, kind: 'group', title: distinct[0] ?? id, subtitle: distinct.length > 1 ? distinct.join(' · ') : 'group chat' };
    })
    .sort((a, b) => a.title.localeCompare(b.title));
  const known = new Set(chats.map((c) => c.id));
  for (const u of users) {
    const id = p2pOf(u.openId);
    if (known.has(id)) continue;
    known.add(id);
    chats.push({ id, kind: 'p2p', title: u.name, subtitle: `private chat · ${u.role}`, openId: u.openId });
  }
  for (const m of messages) {
    const id = chatOf(m);
    if (known.has(id)) continue;
    known.add(id);
    if (m.receive_id_type === 'webhook') {
      chats.push({ id, kind: 'webhook', title: `webhook ${id.slice('hook:'.length, 'hook:'.length + 8)}…`, subtitle: 'custom bot: cards cannot call back' });
    } else if (m.receive_id_type === 'chat_id') {
      chats.push({ id, kind: 'group', title: id, subtitle: 'a chat promduty has no name for' });
    } else {
      chats.push({ id, kind: 'p2p', title: m.receive_id, subtitle: 'private chat with an unknown user' });
    }
  }
  return chats;
}
