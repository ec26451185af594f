import Koa from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import type { Settings } from '../config/settings';
import type { Logger } from '../core/logger';
import { bearer } from './middleware/auth';
import { errorHandler } from './middleware/errors';
import { httpMetrics } from './middleware/metrics';
import { requestId } from './middleware/request-id';
import { healthRoutes, type HealthDeps } from './routes/health';
import { userRoutes } from './routes/users';
import { treeRoutes } from './routes/tree';
import type { UserService } from '../users/users';
import type { TreeService } from '../scrape/tree';
import type { HostService } from '../scrape/hosts';

export interface HttpDeps extends HealthDeps {
  settings: Settings;
  logger: Logger;
  users: UserService;
  tree: TreeService;
  hosts: HostService;
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

  const admin = new Router();
  admin.use('/api/v1', bearer(() => [d.settings.apiToken], 'api'));
  userRoutes(admin, d.users);
  treeRoutes(admin, d.tree, d.hosts);

  app.use(open.routes());
  app.use(open.allowedMethods());
  app.use(admin.routes());
  app.use(admin.allowedMethods());
  return app;
}
