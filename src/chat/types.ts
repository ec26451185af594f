import type { Card } from '../cards/card';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Actor } from '../db/audit';
import type { EventActions } from '../events/actions';
import type { GroupActions } from '../events/group-actions';
import type { OncallGroupService } from '../oncall/groups';
import type { OncallService } from '../oncall/roster-service';
import type { SwapRequestService } from '../oncall/swap-requests';
import type { CalendarFeedService } from '../oncall/calendar-feeds';
import type { AlertRuleService } from '../rules/alert-rules';
import type { SendGroupService } from '../routing/send-groups';
import type { PoolConfigService } from '../publish/pool-config';
import type { PoolService } from '../scrape/pools';
import type { QueryLogService } from '../querylog/service';
import type { StatsService } from '../stats/service';
import type { Role, User, UserService } from '../users/users';
import type { EventCards } from './alert-event-source';

/** A person @-mentioned in the message (`@_user_2` in the text). */
export interface Mention {
  key: string;
  openId: string | null;
  name: string;
}

/** A chat message as the transport hands it over: who, where, what. */
export interface InboundMessage {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  text: string;
  mentions: Mention[];
}

/** A parsed command from a registered user. */
export interface ChatRequest {
  user: User;
  /** Lower case, without the slash. */
  command: string;
  /** The words after the command; mentions stay as their keys (`@_user_2`). */
  args: string[];
  /** Mentions by key. */
  mentions: Map<string, Mention>;
  chatId: string;
  chatType: 'p2p' | 'group';
  messageId: string;
}

/**
 * What a command answers: a card, or a short text (sent as a plain card). `privately` goes to
 * the sender's private chat with the bot (a calendar URL is nobody else's business); in a
 * private chat it is the reply.
 */
export type Reply = ({ card: Card } | { text: string }) & { privately?: Card };

/**
 * What commands use. Narrow picks of the services, so unit tests hand in small fakes and
 * the production wiring hands in the real services.
 */
export interface ChatDeps {
  clock: Clock;
  logger: Pick<Logger, 'error' | 'warn'>;
  /** settings.timezone: for times not tied to an on-call group. */
  timezone: string;
  publicUrl: string;
  users: Pick<UserService, 'findByOpenId' | 'list'>;
  oncall: Pick<OncallService, 'current' | 'roster' | 'shifts'>;
  oncallGroups: Pick<OncallGroupService, 'list' | 'findByName' | 'get'>;
  oncallSwapRequests: Pick<SwapRequestService, 'create' | 'accept' | 'decline' | 'cancel' | 'force' | 'get' | 'list' | 'view'>;
  calendars: Pick<CalendarFeedService, 'url' | 'rotate'>;
  alertRules: Pick<AlertRuleService, 'search' | 'get' | 'update' | 'setEnabled'>;
  sendGroups: Pick<SendGroupService, 'get'>;
  pools: Pick<PoolService, 'list' | 'get' | 'findByName'>;
  poolConfigs: Pick<PoolConfigService, 'instanceFiles' | 'rulePlacement'>;
  events: Pick<EventActions, 'claim' | 'unclaim' | 'silence' | 'silenceAlertname' | 'unsilence'>;
  groups: Pick<GroupActions, 'acknowledge' | 'unacknowledge' | 'takeOver' | 'resolve' | 'escalateNow' | 'note' | 'addResponder' | 'silence'>;
  eventCards: EventCards;
  stats: Pick<StatsService, 'report' | 'groups'>;
  queryLog: Pick<QueryLogService, 'suggest' | 'accept'>;
}

export interface Command {
  name: string;
  /** `/silence <event|alertname=NAME> <duration>` */
  usage: string;
  description: string;
  minRole: Role;
  run(req: ChatRequest, deps: ChatDeps): Promise<Reply>;
}

/** The audit and timeline actor for a chat user. */
export const actorOf = (user: User): Actor => ({ kind: 'user', name: user.name, userId: user.id });
