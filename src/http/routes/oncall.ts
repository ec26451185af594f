import type Router from '@koa/router';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import { apiActor } from '../../db/audit';
import type { OncallGroupService } from '../../oncall/groups';
import type { OncallService } from '../../oncall/roster-service';
import type { SwapService } from '../../oncall/swaps';
import type { Requester, SwapRequestService } from '../../oncall/swap-requests';
import type { CalendarFeedService } from '../../oncall/calendar-feeds';
import { crudRoutes, queryOf, routeId } from '../crud';

const rosterQuery = z.object({ from: z.string(), to: z.string() }).strict();
const userId = z.number().int().positive('must be a user id');
/** Who the admin API asks for (requestedBy) or answers for (userId); the rest is the request. */
const onBehalf = z.object({ requestedBy: userId.nullable().optional() }).passthrough();
const answerBody = z.object({ userId }).strict();

/** The API token is an admin's: it may force and cancel; asking or answering is done for a user it names. */
const apiRequester = (userId: number | null, admin: boolean): Requester => ({ userId, admin, actor: { ...apiActor, userId } });

export interface OncallRouteDeps {
  oncallGroups: OncallGroupService;
  oncall: OncallService;
  oncallSwaps: SwapService;
  oncallSwapRequests: SwapRequestService;
  calendars: CalendarFeedService;
}

export function oncallRoutes(router: Router, d: OncallRouteDeps): void {
  const { oncallGroups: groups, oncall, oncallSwaps: swaps, oncallSwapRequests: requests, calendars } = d;
  crudRoutes(router, '/api/v1/oncall-groups', {
    list: () => groups.list(),
    get: (id) => groups.get(id),
    create: (body, actor) => groups.create(body, actor),
    update: (id, body, actor) => groups.update(id, body, actor),
    delete: (id, _q, actor) => groups.delete(id, actor),
  });

  router.get('/api/v1/oncall-groups/:id/roster', async (ctx) => {
    const q = parseInput(rosterQuery, queryOf(ctx.query), 'query');
    ctx.body = await oncall.roster(routeId(ctx.params), q.from, q.to);
  });

  router.get('/api/v1/oncall-groups/:id/now', async (ctx) => {
    ctx.body = await oncall.current(routeId(ctx.params));
  });

  router.get('/api/v1/oncall-groups/:id/swaps', async (ctx) => {
    ctx.body = { items: await swaps.list(routeId(ctx.params), queryOf(ctx.query)) };
  });

  router.post('/api/v1/oncall-groups/:id/swaps', async (ctx) => {
    ctx.status = 201;
    ctx.body = await swaps.create(routeId(ctx.params), ctx.request.body, apiActor);
  });

  router.get('/api/v1/oncall-groups/:id/swap-requests', async (ctx) => {
    ctx.body = { items: await requests.list(routeId(ctx.params), queryOf(ctx.query)) };
  });

  router.post('/api/v1/oncall-groups/:id/swap-requests', async (ctx) => {
    const { requestedBy, ...input } = parseInput(onBehalf, ctx.request.body, 'swap request');
    ctx.status = 201;
    ctx.body = await requests.create(routeId(ctx.params), input, apiRequester(requestedBy ?? null, true));
  });

  router.get('/api/v1/oncall-swap-requests/:id', async (ctx) => {
    ctx.body = await requests.get(routeId(ctx.params));
  });

  // Accept / decline as the user named in the body (the rules for that user apply).
  for (const answer of ['accept', 'decline'] as const) {
    router.post(`/api/v1/oncall-swap-requests/:id/${answer}`, async (ctx) => {
      const { userId: by } = parseInput(answerBody, ctx.request.body, answer);
      ctx.body = await requests[answer](routeId(ctx.params), apiRequester(by, false));
    });
  }
  for (const decision of ['cancel', 'force'] as const) {
    router.post(`/api/v1/oncall-swap-requests/:id/${decision}`, async (ctx) => {
      ctx.body = await requests[decision](routeId(ctx.params), apiRequester(null, true));
    });
  }

  // Calendar feed URLs (the feeds themselves are served outside the admin token: routes/calendar.ts).
  for (const [path, kind] of [['oncall-groups', 'group'], ['users', 'user']] as const) {
    router.get(`/api/v1/${path}/:id/calendar`, async (ctx) => {
      ctx.body = { url: await calendars.url(kind, routeId(ctx.params)) };
    });
    router.post(`/api/v1/${path}/:id/calendar/rotate`, async (ctx) => {
      ctx.body = { url: await calendars.rotate(kind, routeId(ctx.params), apiActor) };
    });
  }

  crudRoutes(router, '/api/v1/oncall-swaps', {
    get: (id) => swaps.get(id),
    // Cancels (the row stays, with cancelledAt/cancelledBy): a swap is part of the roster's story.
    delete: (id, _q, actor) => swaps.cancel(id, actor),
  });
}
