import Koa from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import type { Settings } from '../config/settings';
import type { Logger } from '../core/logger';
import { bearer } from './middleware/auth';
import { errorHandler } from './middleware/errors';
import { loopbackOnly } from './middleware/loopback';
import { httpMetrics } from './middleware/metrics';
import { requestId } from './middleware/request-id';
import { wellFormedBody } from './middleware/well-formed';
import { healthRoutes, type HealthDeps } from './routes/health';
import { userRoutes } from './routes/users';
import { treeRoutes } from './routes/tree';
import type { UserService } from '../users/users';
import type { TreeService } from '../inventory/tree';
import type { HostService } from '../inventory/hosts';
import type { JobService } from '../scrape/jobs';
import type { PoolConfigService } from '../publish/pool-config';
import { topologyRoutes } from './routes/topology';
import type { PoolService } from '../scrape/pools';
import type { SdService } from '../scrape/sd-service';
import { configRoutes } from './routes/configs';
import { scrapeRoutes } from './routes/scrape';
import { sdRoutes } from './routes/sd';
import type { ClusterConfigService } from '../publish/cluster-snapshot';
import type { ClusterService } from '../routing/clusters';
import type { SendGroupService } from '../routing/send-groups';
import type { AlertRuleService } from '../rules/alert-rules';
import type { RecordRuleService } from '../rules/record-rules';
import { alertmanagerConfigRoutes, routingRoutes } from './routes/routing';
import { ruleRoutes } from './routes/rules';
import type { OncallGroupService } from '../oncall/groups';
import type { OncallService } from '../oncall/roster-service';
import type { SwapService } from '../oncall/swaps';
import { oncallRoutes } from './routes/oncall';
import { calendarRoutes } from './routes/calendar';
import type { SwapRequestService } from '../oncall/swap-requests';
import type { CalendarFeedService } from '../oncall/calendar-feeds';
import { alertWebhookRoutes } from './routes/alerts';
import type { AlertIngest } from '../events/ingest';
import type { DeadLetterReplay } from '../events/dead-letter-replay';
import { deadLetterRoutes } from './routes/dead-letters';
import { alertGroupRoutes } from './routes/alert-groups';
import type { AlertGroupQueries } from '../events/group-api';
import { statsRoutes } from './routes/stats';
import { queryLogRoutes, ruleSuggestionRoutes } from './routes/query-log';
import type { QueryLogService } from '../querylog/service';
import type { StatsService } from '../stats/service';
import { byteLimit } from './read-json';
import { sandboxRoutes, type SandboxDeps } from './routes/sandbox';
import { feishuRoutes, type FeishuReceiver } from '../feishu/receiver';

export interface HttpDeps extends HealthDeps {
  /** The built-in Feishu's page and endpoints; null when a real Feishu app is configured. */
  sandbox?: SandboxDeps | null;
  /** Feishu event and card callbacks (src/feishu/receiver.ts). */
  feishu: FeishuReceiver;
  settings: Settings;
  logger: Logger;
  /** The Alertmanager webhook's side of the alert pipeline. */
  alertIngest: Pick<AlertIngest, 'accept'>;
  /** Notifications accepted but not stored (src/events/dead-letter-replay.ts). */
  deadLetters: DeadLetterReplay;
  /** Alert groups with their events (src/events/group-api.ts). */
  alertGroups: AlertGroupQueries;
  users: UserService;
  tree: TreeService;
  hosts: HostService;
  pools: PoolService;
  jobs: JobService;
  sd: SdService;
  poolConfigs: PoolConfigService;
  oncallGroups: OncallGroupService;
  oncall: OncallService;
  oncallSwaps: SwapService;
  oncallSwapRequests: SwapRequestService;
  calendars: CalendarFeedService;
  clusters: ClusterService;
  sendGroups: SendGroupService;
  alertRules: AlertRuleService;
  recordRules: RecordRuleService;
  clusterConfigs: ClusterConfigService;
  stats: StatsService;
  queryLog: QueryLogService;
}

/**
 * The Koa app. Routes are thin: parse, call the domain, respond. Public probes need no
 * token; the admin API needs `API_TOKEN`; the Alertmanager webhook `WEBHOOK_TOKEN`.
 */
export function createHttpApp(d: HttpDeps): Koa {
  const app = new Koa({ proxy: true });
  app.silent = true; // errorHandler logs; Koa's default stderr printing would double it

  app.use(requestId);
  app.use(httpMetrics(d.metrics));
  app.use(errorHandler(d.logger));
  // The Alertmanager webhook is the hot path: it reads its own body (see read-json.ts).
  const webhook = new Router();
  webhook.use(bearer(() => [d.settings.webhookToken], 'webhook'));
  alertWebhookRoutes(webhook, d.alertIngest, byteLimit(d.settings.bodyLimit));
  app.use(webhook.routes());
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: d.settings.bodyLimit,
      strict: true,
      // Signature checks (Feishu) need the exact bytes that were sent.
      onerror: (err) => {
        throw err;
      },
    }),
  );

  const open = new Router();
  healthRoutes(open, d);
  if (d.sandbox) sandboxRoutes(open, d.sandbox);
  calendarRoutes(open, d.calendars);
  feishuRoutes(
    open,
    d.feishu,
    ...(d.settings.feishu.callbacksLoopbackOnly
      ? [loopbackOnly('Feishu callbacks signed with the public sandbox keys are taken from loopback clients only; set FEISHU_ENCRYPT_KEY to a secret of your own, or FEISHU_SANDBOX=on to open them')]
      : []),
  );

  // Prometheus-facing reads (http_sd, pulled configs) take the SD token or the admin token.
  const prometheusFacing = new Router();
  prometheusFacing.use(bearer(() => [d.settings.sdToken, d.settings.apiToken], 'sd'));
  sdRoutes(prometheusFacing, d.sd);
  configRoutes(prometheusFacing, d.poolConfigs);
  alertmanagerConfigRoutes(prometheusFacing, d.clusterConfigs);
  queryLogRoutes(prometheusFacing, d.queryLog);

  const admin = new Router();
  admin.use('/api/v1', bearer(() => [d.settings.apiToken], 'api'), wellFormedBody);
  userRoutes(admin, d.users);
  treeRoutes(admin, d.tree, d.hosts);
  scrapeRoutes(admin, d.pools, d.jobs);
  routingRoutes(admin, d.clusters, d.sendGroups);
  ruleRoutes(admin, d.alertRules, d.recordRules);
  topologyRoutes(admin, d.poolConfigs, d.alertRules, d.recordRules);
  oncallRoutes(admin, d);
  deadLetterRoutes(admin, d.deadLetters);
  alertGroupRoutes(admin, d.alertGroups);
  statsRoutes(admin, d.stats);
  ruleSuggestionRoutes(admin, d.queryLog);

  app.use(open.routes());
  app.use(open.allowedMethods());
  app.use(prometheusFacing.routes());
  app.use(admin.routes());
  app.use(admin.allowedMethods());
  return app;
}
