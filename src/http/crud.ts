import type Router from '@koa/router';
import { z } from 'zod';
import { apiActor, type Actor } from '../db/audit';
import { idParam } from '../core/names';
import { parseInput } from '../core/validate';

/** What an entity's service offers to the generic REST routes; every method is optional. */
export interface CrudHandlers<T> {
  list?: (query: Record<string, string>) => Promise<T[]>;
  get?: (id: number) => Promise<T>;
  create?: (body: unknown, actor: Actor) => Promise<T>;
  createMany?: (items: unknown[], actor: Actor) => Promise<T[]>;
  update?: (id: number, body: unknown, actor: Actor) => Promise<T>;
  delete?: (id: number, query: Record<string, string>, actor: Actor) => Promise<unknown>;
}

const batchSchema = z.object({ items: z.array(z.unknown()).min(1, 'must hold at least one item').max(1000, 'at most 1000 items') });

export const routeId = (params: Record<string, string | undefined>, name = 'id'): number =>
  parseInput(z.object({ [name]: idParam }), { [name]: params[name] }, 'path')[name] as number;

export const queryOf = (q: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/**
 * The REST shape every entity shares: `GET /x` → `{items}`, `GET /x/:id`, `POST /x` → 201,
 * `POST /x/batch` `{items}` → 201 `{items}` (all or nothing), `PATCH /x/:id`, `DELETE /x/:id` → 204.
 */
export function crudRoutes<T>(router: Router, base: string, h: CrudHandlers<T>): void {
  if (h.list) {
    const list = h.list;
    router.get(base, async (ctx) => {
      ctx.body = { items: await list(queryOf(ctx.query)) };
    });
  }
  if (h.createMany) {
    const createMany = h.createMany;
    router.post(`${base}/batch`, async (ctx) => {
      const { items } = parseInput(batchSchema, ctx.request.body, 'batch');
      ctx.status = 201;
      ctx.body = { items: await createMany(items, apiActor) };
    });
  }
  if (h.get) {
    const get = h.get;
    router.get(`${base}/:id`, async (ctx) => {
      ctx.body = await get(routeId(ctx.params));
    });
  }
  if (h.create) {
    const create = h.create;
    router.post(base, async (ctx) => {
      ctx.status = 201;
      ctx.body = await create(ctx.request.body, apiActor);
    });
  }
  if (h.update) {
    const update = h.update;
    router.patch(`${base}/:id`, async (ctx) => {
      ctx.body = await update(routeId(ctx.params), ctx.request.body, apiActor);
    });
  }
  if (h.delete) {
    const del = h.delete;
    router.delete(`${base}/:id`, async (ctx) => {
      await del(routeId(ctx.params), queryOf(ctx.query), apiActor);
      ctx.status = 204;
    });
  }
}
