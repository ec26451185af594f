import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { parseInput } from '../../core/validate';
import type { FeishuSandbox, SandboxDirectory, SandboxUser } from '../../sandbox/sandbox';
import { readWebAsset } from '../../sandbox/web-assets';
import { loopbackOnly } from '../middleware/loopback';

export interface SandboxDeps {
  feishu: FeishuSandbox;
  directory: SandboxDirectory;
  /** FEISHU_SANDBOX=on: serve clients that are not on loopback too. */
  allowRemote: boolean;
}

const openId = z.string().regex(/^ou_[A-Za-z0-9_-]+$/, 'must be a Feishu open_id (ou_...)');
const sayInput = z.object({ openId, chatId: z.string().regex(/^oc_[A-Za-z0-9_-]+$/, 'must be a chat id (oc_...)'), text: z.string().trim().min(1).max(4000) }).strict();
const actInput = z
  .object({
    openId,
    messageId: z.string().min(1).max(100),
    action: z
      .object({
        tag: z.string().min(1).max(40),
        value: z.unknown().optional(),
        option: z.string().max(200).optional(),
        name: z.string().max(100).optional(),
        formValue: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

const KEEPALIVE_MS = 15_000;

/** promduty's own address as this request reached it: where the sandbox delivers callbacks. */
function selfBase(ctx: Context): string {
  const { localAddress = '127.0.0.1', localPort } = ctx.req.socket;
  const host = localAddress.startsWith('::ffff:') ? localAddress.slice(7) : localAddress;
  return `http://${host.includes(':') ? `[${host}]` : host}:${localPort}`;
}

async function operator(directory: SandboxDirectory, id: string): Promise<SandboxUser> {
  // Someone promduty does not know is still a Feishu user: the receiver decides what they get.
  return (await directory.users()).find((u) => u.openId === id) ?? { name: id, role: 'unknown', openId: id };
}

/** The /sandbox page, its assets, and the endpoints it acts through. */
export function sandboxRoutes(router: Router, d: SandboxDeps): void {
  // Only loopback by default: the page lets whoever opens it act as any promduty user, which
  // is the point on a laptop and a hole on a server.
  const guard = d.allowRemote
    ? (_ctx: Context, next: Next) => next()
    : loopbackOnly('the Feishu sandbox answers loopback clients only; set FEISHU_SANDBOX=on to open it to others');

  router.get('/sandbox', guard, async (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await readWebAsset('index.html');
  });
  router.get('/sandbox/assets/:file', guard, async (ctx) => {
    const file = ctx.params.file ?? '';
    ctx.type = file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    ctx.set('cache-control', 'no-cache');
    ctx.body = await readWebAsset(file);
  });

  router.get('/sandbox/api/state', guard, async (ctx) => {
    ctx.body = await d.feishu.state(d.directory);
  });

  // Server-sent events: a `change` notice whenever messages change; the page then re-reads the state.
  router.get('/sandbox/api/events', guard, (ctx) => {
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    ctx.status = 200;
    ctx.body = stream;
    stream.write('retry: 1000\n\n');
    const keepalive = setInterval(() => stream.write(': keepalive\n\n'), KEEPALIVE_MS);
    const unwatch = d.feishu.watch(
      () => stream.write('event: change\ndata: {}\n\n'),
      () => stream.end(),
    );
    const done = (): void => {
      clearInterval(keepalive);
      unwatch();
    };
    stream.on('close', done);
    ctx.req.on('close', () => {
      done();
      stream.end();
    });
  });

  router.post('/sandbox/api/messages', guard, async (ctx) => {
    const input = parseInput(sayInput, ctx.request.body, 'message');
    ctx.body = await d.feishu.say(selfBase(ctx), await operator(d.directory, input.openId), input.chatId, input.text);
  });

  router.post('/sandbox/api/actions', guard, async (ctx) => {
    const input = parseInput(actInput, ctx.request.body, 'card action');
    ctx.body = await d.feishu.act(selfBase(ctx), await operator(d.directory, input.openId), input.messageId, input.action);
  });
}
