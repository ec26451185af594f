import { escLine } from '../../cards/card';
import { t } from '../../i18n';
import { textReply } from '../replies';
import type { Command } from '../types';

export const whoamiCommand: Command = {
  name: 'whoami',
  aliases: ['我是谁'],
  usage: 'cmd.whoami.usage',
  description: 'cmd.whoami.description',
  minRole: 'viewer',
  run: ({ user }, d) => {
    const L = d.locale;
    const lines = [
      t(L, 'chat.whoami.role', { role: t(L, `role.${user.role}`) }),
      t(L, 'chat.whoami.may', { can: t(L, `chat.can.${user.role}`) }),
      t(L, 'chat.whoami.id', { id: user.id }),
    ];
    if (user.email) lines.push(t(L, 'chat.whoami.email', { email: escLine(user.email) }));
    return Promise.resolve(textReply(t(L, 'chat.whoami.title', { name: user.name }), lines.join('\n')));
  },
};
