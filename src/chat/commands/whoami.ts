import { escLine } from '../../cards/card';
import { textReply } from '../replies';
import type { Command } from '../types';

const CAN: Record<string, string> = {
  viewer: 'read: on-call, rosters, alerts, rules, pools and configs',
  editor: 'read, and claim, silence and unsilence alerts, swap shifts, edit and enable/disable rules',
  admin: 'everything an editor may, and change pools, clusters, send groups and users',
};

export const whoamiCommand: Command = {
  name: 'whoami',
  usage: '/whoami',
  description: 'Your promduty user and what your role lets you do.',
  minRole: 'viewer',
  run: ({ user }) => {
    const lines = [`**Role:** ${user.role}`, `**You may:** ${CAN[user.role]}`, `**User id:** ${user.id}`];
    if (user.email) lines.push(`**Email:** ${escLine(user.email)}`);
    return Promise.resolve(textReply(`You are ${user.name}`, lines.join('\n')));
  },
};
