import type { Context, Next } from 'koa';
import type { Metrics } from '../../core/metrics';

/** Request latency by matched route pattern (not raw path: ids would explode cardinality). */
export function httpMetrics(metrics: Metrics) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const end = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      end({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
}
