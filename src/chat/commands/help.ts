import { helpCard } from '../../cards/help-card';
import { t } from '../../i18n';
import { hasRole } from '../../users/users';
import type { Command } from '../types';

/**
 * `/help` lists the commands the asking user may run, built from the registry, in the bot's
 * language, each with its name in the other language (`/值班` beside `/oncall` and back).
 */
export function helpCommand(all: () => readonly Command[]): Command {
  return {
    name: 'help',
    aliases: ['帮助'],
    usage: 'cmd.help.usage',
    description: 'cmd.help.description',
    minRole: 'viewer',
    run: (req, d) => {
      const L = d.locale;
      const commands = all()
        .filter((c) => hasRole(req.user, c.minRole))
        .map((c) => ({ usage: t(L, c.usage), description: t(L, c.description), aliases: L === 'zh-CN' ? [`/${c.name}`] : c.aliases.map((a) => `/${a}`) }));
      const footer = t(L, 'chat.help.footer', { name: req.user.name, role: t(L, `role.${req.user.role}`) });
      return Promise.resolve({ card: helpCard({ locale: L, commands, footer }) });
    },
  };
}
