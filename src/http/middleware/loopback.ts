import type { Context, Next } from 'koa';
import { forbidden } from '../../core/errors';

/**
 * True for a peer on this machine's loopback: 127.0.0.0/8, ::1, or either as an IPv4-mapped
 * IPv6 address (what a dual-stack listener reports for 127.0.0.1).
 */
export const isLoopbackPeer = (address: string): boolean => /^(127\.|::1$|::ffff:127\.)/.test(address);

/**
 * Refuses (403) every client that is not on loopback: for what public keys or the sandbox
 * page would otherwise let anyone do. The socket's address, never X-Forwarded-For, which any
 * client can write (Koa runs with `proxy: true`, so `ctx.ip` would believe it).
 */
export function loopbackOnly(message: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (!isLoopbackPeer(ctx.req.socket.remoteAddress ?? '')) throw forbidden(message);
    await next();
  };
}
