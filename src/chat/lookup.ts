import type { Person } from '../cards/card';
import { notFound } from '../core/errors';
import { userError } from '../i18n';
import type { OncallGroup } from '../oncall/groups';
import type { OncallPerson } from '../oncall/store';
import type { Pool } from '../scrape/pools';
import { usageError } from './replies';
import type { ChatDeps } from './types';

/** People as cards show them. */
export const personOf = (p: OncallPerson | null | undefined): Person | null => (p ? { name: p.name, openId: p.openId } : null);

const isId = (word: string): boolean => /^\d{1,10}$/.test(word);

/** An on-call group by name or id. */
export async function findOncallGroup(d: ChatDeps, word: string): Promise<OncallGroup> {
  const byName = await d.oncallGroups.findByName(word);
  if (byName) return byName;
  if (isId(word)) return d.oncallGroups.get(Number(word));
  throw notFound('on-call group', word);
}

/** The named group, or the only group there is; otherwise a usage error listing the names. */
export async function groupOrOnly(d: ChatDeps, word: string | undefined): Promise<OncallGroup> {
  if (word !== undefined) return findOncallGroup(d, word);
  const all = await d.oncallGroups.list();
  if (all.length === 1) return all[0]!;
  if (!all.length) throw userError('not_found', 'reply.noGroupsYet');
  throw usageError('reply.nameTheGroup', { names: all.map((g) => g.name).join(', ') });
}

/** A scrape pool by name or id. */
export async function findPool(d: ChatDeps, word: string): Promise<Pool> {
  const byName = await d.pools.findByName(word);
  if (byName) return byName;
  if (isId(word)) return d.pools.get(Number(word));
  throw notFound('scrape pool', word);
}
