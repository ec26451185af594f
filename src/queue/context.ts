import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Settings } from '../config/settings';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Lifecycle } from '../instances/lifecycle';
import type { ConfigCheck } from '../publish/config-check';
import type { ConfigPublisher, ScrapeCache } from '../core/ports';
import type { HostService } from '../inventory/hosts';
import type { JobService } from '../scrape/jobs';
import type { PoolService } from '../scrape/pools';
import type { TreeService } from '../inventory/tree';
import type { UserService } from '../users/users';
import type { ClusterService } from '../routing/clusters';
import type { SendGroupService } from '../routing/send-groups';
import type { AlertRuleService } from '../rules/alert-rules';
import type { RecordRuleService } from '../rules/record-rules';
import type { CardSender } from '../core/ports';
import type { OncallGroupService } from '../oncall/groups';
import type { HandoffService } from '../oncall/handoff';
import type { OncallService } from '../oncall/roster-service';
import type { SwapService } from '../oncall/swaps';
import type { SwapRequestService } from '../oncall/swap-requests';
import type { SwapNoticeService } from '../oncall/swap-notices';
import type { ShiftNoticeService } from '../oncall/shift-notices';
import type { Queues } from './queues';
import type { AlertPipeline } from '../events/pipeline';
import type { RecipientRateLimit } from '../feishu/rate-limit';
import type { Metrics } from '../core/metrics';
import type { ChatDeps } from '../chat/types';
import type { StatsDigest } from '../stats/digest';
import type { PagingRoom } from '../paging/room';
import type { RemedyRunner } from '../remedy/runner';
import type { RemedySweep } from '../remedy/sweep';

/**
 * The services and clients main.ts wired, handed to every processor; each processor declares
 * the part it uses (`Processor<Pick<WorkerContext, …>>`).
 */
export interface WorkerContext {
  settings: Settings;
  logger: Logger;
  clock: Clock;
  db: Knex;
  redis: Redis;
  queues: Queues;
  users: UserService;
  tree: TreeService;
  hosts: HostService;
  pools: PoolService;
  jobs: JobService;
  clusters: ClusterService;
  sendGroups: SendGroupService;
  alertRules: AlertRuleService;
  recordRules: RecordRuleService;
  publisher: ConfigPublisher;
  sdCache: ScrapeCache;
  /** Feishu card delivery (logs only when Feishu is off). */
  cardSender: CardSender;
  oncall: OncallService;
  oncallGroups: OncallGroupService;
  oncallSwaps: SwapService;
  handoff: HandoffService;
  oncallSwapRequests: SwapRequestService;
  swapNotices: SwapNoticeService;
  shiftNotices: ShiftNoticeService;
  lifecycle: Lifecycle;
  /** promtool / amtool on a config before it replaces a working one (src/publish/config-check.ts). */
  configCheck: ConfigCheck;
  metrics: Metrics;
  /** The alert pipeline (src/events/pipeline.ts). */
  alerts: AlertPipeline;
  /** Feishu's per-chat and per-user message limit, shared by every worker through Redis. */
  recipientLimit: RecipientRateLimit;
  /** Feishu's card-update limits (per message, and the update API's own per app), likewise shared. */
  updateLimit: RecipientRateLimit;
  /** ChatOps: what chat commands and event-change jobs use (src/wiring/chatops.ts). */
  chat: ChatDeps;
  /** Paging: buzzes and per-user notification rules (src/paging/room.ts). */
  paging: PagingRoom;
  /** The weekly stats digest (src/stats/digest.ts). */
  statsDigest: StatsDigest;
  /** Runs of remediation actions (src/remedy/runner.ts). */
  remedy: RemedyRunner;
  /** Plans and schedules remediation runs lost after their alert was stored (src/remedy/sweep.ts). */
  remedySweep: RemedySweep;
}
