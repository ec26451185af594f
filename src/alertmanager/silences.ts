import type { AppError } from '../core/errors';
import { userError } from '../i18n';
import { fetchFailure } from '../instances/lifecycle';

/** An Alertmanager API v2 matcher; promduty only ever sets equality matchers. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface NewSilence {
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/**
 * Silences through Alertmanager's API v2 on one cluster. `addresses` are the cluster's
 * instances (`host:port`) in the order to try: the first that answers wins, because the
 * instances of a cluster gossip silences to each other.
 */
export interface Silences {
  create(addresses: string[], silence: NewSilence): Promise<{ silenceId: string; address: string }>;
  /** Expires the silence; one that Alertmanager no longer knows counts as expired. */
  expire(addresses: string[], silenceId: string): Promise<void>;
}

/** Equality matchers on every label with a value (Prometheus never sends empty labels). */
export function equalityMatchers(labels: Record<string, string>): SilenceMatcher[] {
  return Object.keys(labels)
    .sort()
    .filter((name) => labels[name] !== '')
    .map((name) => ({ name, value: labels[name]!, isRegex: false, isEqual: true }));
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

/** How a call that no instance answered is refused: none to ask, or what each one said (Alertmanager's own words). */
interface Refusals {
  none: () => AppError;
  failed: (errors: string[]) => AppError;
}

const CREATE: Refusals = {
  none: () => userError('upstream_failed', 'silence.err.createNoInstances'),
  failed: (errors) => userError({ code: 'upstream_failed', details: { errors } }, 'silence.err.create', { errors: errors.join('; ') }),
};
const expiring = (id: string): Refusals => ({
  none: () => userError('upstream_failed', 'silence.err.expireNoInstances', { id }),
  failed: (errors) => userError({ code: 'upstream_failed', details: { errors } }, 'silence.err.expire', { id, errors: errors.join('; ') }),
});

async function firstAnswer<T>(addresses: string[], refuse: Refusals, call: (address: string) => Promise<Attempt<T>>): Promise<T> {
  if (!addresses.length) throw refuse.none();
  const errors: string[] = [];
  for (const address of addresses) {
    const r = await call(address);
    if (r.ok) return r.value;
    errors.push(`${address}: ${r.error}`);
  }
  throw refuse.failed(errors);
}

/**
 * The HTTP client. A short timeout per instance keeps a card callback inside Feishu's 3 s
 * even when the first instance hangs and the second answers.
 */
export function httpSilences(timeoutMs = 1200): Silences {
  const request = async (address: string, path: string, init: RequestInit): Promise<Response | string> => {
    try {
      return await fetch(`http://${address}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      return fetchFailure(e);
    }
  };
  const refusal = async (res: Response): Promise<string> => `HTTP ${res.status} ${(await res.text()).trim().slice(0, 300)}`;

  return {
    create: (addresses, s) =>
      firstAnswer(addresses, CREATE, async (address) => {
        const res = await request(address, '/api/v2/silences', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...s, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }),
        });
        if (typeof res === 'string') return { ok: false, error: res };
        if (!res.ok) return { ok: false, error: await refusal(res) };
        const body = (await res.json()) as { silenceID?: unknown };
        if (typeof body.silenceID !== 'string') return { ok: false, error: 'answer without a silenceID' };
        return { ok: true, value: { silenceId: body.silenceID, address } };
      }),
    expire: async (addresses, silenceId) => {
      let gone = 0;
      try {
        await firstAnswer(addresses, expiring(silenceId), async (address) => {
          const res = await request(address, `/api/v2/silence/${encodeURIComponent(silenceId)}`, { method: 'DELETE' });
          if (typeof res === 'string') return { ok: false, error: res };
          if (res.ok) return { ok: true, value: undefined };
          // Alertmanager 0.25 answers 500 "silence not found" for an id it does not know
          // (expired and garbage-collected, or never gossiped to this instance).
          const error = await refusal(res);
          if (/silence not found/i.test(error) || res.status === 404) gone++;
          return { ok: false, error };
        });
      } catch (e) {
        // Every instance said it does not know the silence: there is nothing left to expire.
        if (gone === addresses.length && gone > 0) return;
        throw e;
      }
    },
  };
}
