import type { Knex } from 'knex';
import type { ConfigPublisher } from '../core/ports';
import { HostService } from '../inventory/hosts';
import { TreeService } from '../inventory/tree';
import { oncallServices, type OncallDeps } from '../oncall/services';
import { ClusterService } from '../routing/clusters';
import { SendGroupService } from '../routing/send-groups';
import { AlertRuleService } from '../rules/alert-rules';
import { RecordRuleService } from '../rules/record-rules';
import { JobService } from '../scrape/jobs';
import { PoolService } from '../scrape/pools';
import type { SdCache } from '../scrape/sd-cache';
import { QueryLogService } from '../querylog/service';
import { StatsDigest } from '../stats/digest';
import { StatsService } from '../stats/service';
import { UserService } from '../users/users';

/** The domain services main.ts hands to the HTTP app, ChatOps and the workers. */
export function buildServices(db: Knex, publisher: ConfigPublisher, sdCache: SdCache, oncall: OncallDeps) {
  const stats = new StatsService(db, oncall.clock, oncall.defaultTimezone);
  const recordRules = new RecordRuleService(db, publisher);
  return {
    sdCache,
    ...oncallServices(db, oncall),
    users: new UserService(db),
    tree: new TreeService(db, sdCache, publisher),
    hosts: new HostService(db, sdCache),
    pools: new PoolService(db, publisher, sdCache),
    jobs: new JobService(db, publisher, sdCache),
    clusters: new ClusterService(db, publisher),
    // UserService is stateless: its own instance only checks that user ids exist.
    sendGroups: new SendGroupService(db, publisher, new UserService(db)),
    alertRules: new AlertRuleService(db, publisher),
    recordRules,
    stats,
    queryLog: new QueryLogService({ db, clock: oncall.clock, recordRules }),
    statsDigest: new StatsDigest({ db, clock: oncall.clock, sender: oncall.sender, stats, logger: oncall.logger, locale: oncall.locale }),
  };
}

export type Services = ReturnType<typeof buildServices>;
