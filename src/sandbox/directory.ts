import type { OncallGroupService } from '../oncall/groups';
import type { SendGroupService } from '../routing/send-groups';
import type { UserService } from '../users/users';
import type { NamedChat, SandboxDirectory, SandboxUser } from './chats';

/** The sandbox page's names for people and chats, read from promduty's own data on each request. */
export function promdutyDirectory(s: { users: UserService; sendGroups: SendGroupService; oncallGroups: OncallGroupService }): SandboxDirectory {
  return {
    users: async () =>
      (await s.users.list()).flatMap((u): SandboxUser[] =>
        u.feishuOpenId ? [{ name: u.name, role: u.role, openId: u.feishuOpenId, userId: u.feishuUserId }] : [],
      ),
    chats: async () => {
      const [sendGroups, oncallGroups] = await Promise.all([s.sendGroups.list(), s.oncallGroups.list()]);
      const named: NamedChat[] = [];
      for (const g of sendGroups) if (g.feishuChatId) named.push({ chatId: g.feishuChatId, name: `${g.name} (send group)` });
      for (const g of oncallGroups) if (g.feishuChatId) named.push({ chatId: g.feishuChatId, name: `${g.name} (on-call group)` });
      return named;
    },
  };
}
