import type { CardAction } from '../../cards/actions';
import { suggestCard, type SuggestCardInput } from '../../cards/suggest-card';
import type { Pool } from '../../scrape/pools';
import { hasRole, type User } from '../../users/users';
import { usageError } from '../replies';
import { actorOf, type ChatDeps, type Reply } from '../types';

/** The pool named (by name or id), or the only one there is. */
async function poolFor(d: ChatDeps, name: string | undefined): Promise<Pool> {
  if (name !== undefined) {
    const pool = (await d.pools.findByName(name)) ?? (/^\d+$/.test(name) ? await d.pools.get(Number(name)).catch(() => null) : null);
    if (!pool) throw usageError('reply.suggest.noPool', { name });
    return pool;
  }
  const pools = await d.pools.list();
  if (pools.length === 1) return pools[0]!;
  if (!pools.length) throw usageError('reply.suggest.noPools');
  throw usageError('reply.suggest.namePool', { names: pools.slice(0, 20).map((p) => p.name).join(', ') });
}

async function cardFor(d: ChatDeps, user: User, poolId: number, accepted: SuggestCardInput['accepted'] = null) {
  const report = await d.queryLog.suggest(poolId);
  return suggestCard({ ...report, locale: d.locale, editable: hasRole(user, 'editor'), accepted });
}

/** `/rules suggest [pool]`: record rules for the pool's heaviest repeated queries. */
export async function rulesSuggestReply(d: ChatDeps, user: User, args: string[]): Promise<Reply> {
  if (args.length > 1) throw usageError('reply.suggest.onePool');
  const pool = await poolFor(d, args[0]);
  return { card: await cardFor(d, user, pool.id) };
}

/** The card's "Create record rule": the rule created (validated, placed, published), the card shows how to query it. */
export async function acceptSuggestion(d: ChatDeps, user: User, action: Extract<CardAction, { a: 'rule_suggest' }>) {
  const r = await d.queryLog.accept(action.p, action.q, action.k, actorOf(user));
  const accepted = { ruleId: r.rule.id, record: r.rule.record, rewritten: r.suggestion.rewritten, created: r.created };
  return { created: r.created, record: r.rule.record, card: await cardFor(d, user, action.p, accepted) };
}
