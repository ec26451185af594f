import { helpCard } from '../../cards/help-card';
import { hasRole } from '../../users/users';
import type { Command } from '../types';

/** `/help` lists the commands the asking user may run; built from the registry. */
export function helpCommand(all: () => readonly Command[]): Command {
  return {
    name: 'help',
    usage: '/help',
    description: 'The commands you may use.',
    minRole: 'viewer',
    run: (req) => {
      const commands = all()
        .filter((c) => hasRole(req.user, c.minRole))
        .map(({ usage, description }) => ({ usage, description }));
      const footer = `You are ${req.user.name} (${req.user.role}). In a group chat, @mention the bot before the command.`;
      return Promise.resolve({ card: helpCard({ commands, footer }) });
    },
  };
}
