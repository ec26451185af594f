import type Router from '@koa/router';
import { z } from 'zod';
import { idList } from '../../core/names';
import { parseInput } from '../../core/validate';
import { apiActor, type Actor } from '../../db/audit';

const idsBody = z.object({ ids: idList.max(1000, 'at most 1000 ids') }).strict();

export interface BatchHandlers<T> {
  setEnabled?: (ids: number[], enabled: boolean, actor: Actor) => Promise<T[]>;
  deleteMany?: (ids: number[], actor: Actor) => Promise<void>;
}

/**
 * `POST <base>/enable|disable` `{ids}` → `{items}` and `POST <base>/delete` `{ids}` → 204.
 * All or nothing: one unknown id is a 400 naming `ids[i]` and changes nothing.
 */
export function batchRoutes<T>(router: Router, base: string, h: BatchHandlers<T>): void {
  const ids = (body: unknown) => parseInput(idsBody, body, 'body').ids;
  const setEnabled = h.setEnabled;
  if (setEnabled) {
    for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
      router.post(`${base}/${action}`, async (ctx) => {
        ctx.body = { items: await setEnabled(ids(ctx.request.body), enabled, apiActor) };
      });
    }
  }
  const deleteMany = h.deleteMany;
  if (deleteMany) {
    router.post(`${base}/delete`, async (ctx) => {
      await deleteMany(ids(ctx.request.body), apiActor);
      ctx.status = 204;
    });
  }
}
