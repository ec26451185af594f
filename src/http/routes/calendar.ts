import type Router from '@koa/router';
import { notFound } from '../../core/errors';
import type { CalendarFeedService, FeedKind } from '../../oncall/calendar-feeds';
import { routeId } from '../crud';

/** A token as calendar-feeds.ts makes them (43 base64url characters); anything else is not one. */
const FILE = /^([A-Za-z0-9_-]{20,100})\.ics$/;

/**
 * iCalendar feeds, outside the admin token: the secret token in the URL is the
 * authorization (calendar apps cannot send headers). A wrong token and a missing feed both
 * answer 404, so a guess learns nothing.
 */
export function calendarRoutes(router: Router, calendars: Pick<CalendarFeedService, 'feed'>): void {
  for (const [path, kind] of [['groups', 'group'], ['users', 'user']] as const satisfies [string, FeedKind][]) {
    router.get(`/calendar/${path}/:id/:file`, async (ctx) => {
      const token = FILE.exec(ctx.params.file ?? '')?.[1];
      if (!token) throw notFound('calendar feed', ctx.path);
      const feed = await calendars.feed(kind, routeId(ctx.params), token);
      ctx.type = 'text/calendar; charset=utf-8';
      ctx.set('content-disposition', `inline; filename="${feed.name.replace(/[^\w.-]+/g, '_')}.ics"`);
      // The URL is the secret: no shared cache may keep a copy.
      ctx.set('cache-control', 'private, max-age=300');
      ctx.body = feed.ics;
    });
  }
}
