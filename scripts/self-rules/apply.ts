import { readFile } from 'node:fs/promises';
import { planSelfRules, selfRules, SELF_RULES_FILE, type SelfRulesPlan, type StoredRule } from './plan';

export interface SelfRulesOptions {
  /** promduty's base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** The admin API token (API_TOKEN). */
  token: string;
  poolId: number;
  sendGroupId: number;
  /** The job name the pool scrapes promduty as. */
  job: string;
}

/**
 * Loads deploy/promduty-rules.yml into a promduty pool as alert rules, through the public
 * API. Idempotent: a second run creates nothing; a rule edited since is set back.
 */
export async function applySelfRules(o: SelfRulesOptions): Promise<SelfRulesPlan> {
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${o.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((e: Error) => {
      throw new Error(`cannot reach promduty at ${o.url} (set PROMDUTY_URL): ${(e.cause as Error | undefined)?.message ?? e.message}`);
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const wanted = selfRules(await readFile(SELF_RULES_FILE, 'utf8'), o);
  const stored = ((await api('GET', `/api/v1/alert-rules?poolId=${o.poolId}`)) as { items: StoredRule[] }).items;
  const plan = planSelfRules(wanted, stored);
  // One by one (alert rules have no batch create); a run stopped half way is completed by the next.
  for (const r of plan.create) await api('POST', '/api/v1/alert-rules', r);
  for (const u of plan.update) await api('PATCH', `/api/v1/alert-rules/${u.id}`, u.patch);
  return plan;
}
