/**
 * The management endpoints Prometheus and Alertmanager share: `/-/healthy` and
 * `/-/reload` (Prometheus needs --web.enable-lifecycle for the latter).
 */
export interface Lifecycle {
  healthy(address: string): Promise<boolean>;
  /** Throws with the server's message when the reload fails (e.g. a config it refuses). */
  reload(address: string): Promise<void>;
  /** Prometheus only: its command-line flags (`/api/v1/status/flags`), or null when it does not answer. */
  flags(address: string): Promise<Record<string, string> | null>;
}

export function httpLifecycle(timeoutMs = 5000): Lifecycle {
  return {
    healthy: async (address) => {
      try {
        const res = await fetch(`http://${address}/-/healthy`, { signal: AbortSignal.timeout(timeoutMs) });
        return res.ok;
      } catch {
        return false;
      }
    },
    reload: async (address) => {
      let res: Response;
      try {
        res = await fetch(`http://${address}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new Error(`reload of ${address} failed: ${fetchFailure(e)}`);
      }
      if (!res.ok) throw new Error(`reload of ${address} answered ${res.status}: ${(await res.text()).trim().slice(0, 500)}`);
    },
    flags: async (address) => {
      try {
        const res = await fetch(`http://${address}/api/v1/status/flags`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return null;
        const body = (await res.json()) as { data?: unknown };
        return body.data && typeof body.data === 'object' ? (body.data as Record<string, string>) : null;
      } catch {
        return null;
      }
    },
  };
}

/** fetch() says only "fetch failed"; the reason (ECONNREFUSED, timeout) is in its cause. */
export function fetchFailure(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
