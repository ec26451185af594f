import type { GroupActor } from '../events/group-actions';
import type { ChatDeps } from './types';

/** The group actions that take nothing but the group: a card's `g_<verb>` button and `/group N <verb>`. */
export const PLAIN_GROUP_VERBS = ['ack', 'unack', 'take', 'resolve', 'escalate'] as const;
export type PlainGroupVerb = (typeof PLAIN_GROUP_VERBS)[number];
export const isPlainGroupVerb = (s: string): s is PlainGroupVerb => (PLAIN_GROUP_VERBS as readonly string[]).includes(s);

/** A card button's action name (`g_ack`) as the verb a command types (`ack`). */
export const plainVerbOf = (a: `g_${PlainGroupVerb}`): PlainGroupVerb => a.slice('g_'.length) as PlainGroupVerb;

/** One plain group action, the same from a button and from a command. */
export function runPlainGroupVerb(d: Pick<ChatDeps, 'groups'>, verb: PlainGroupVerb, id: number, actor: GroupActor) {
  switch (verb) {
    case 'ack':
      return d.groups.acknowledge(id, actor);
    case 'unack':
      return d.groups.unacknowledge(id, actor);
    case 'take':
      return d.groups.takeOver(id, actor);
    case 'resolve':
      return d.groups.resolve(id, actor);
    case 'escalate':
      return d.groups.escalateNow(id, actor);
  }
}
