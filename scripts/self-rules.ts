/**
 * `npm run self-rules -- --pool <id> --send-group <id> [--job promduty]`: loads the alert
 * rules for promduty's own health (deploy/promduty-rules.yml) into one of promduty's pools,
 * alerting the send group. Run it again after an upgrade: it creates only what is missing and
 * sets back what differs. The pool must scrape promduty's /metrics as job `--job`.
 *
 * Environment: PROMDUTY_URL (default http://127.0.0.1:$PORT, PORT default 8080), API_TOKEN.
 */
import { parseArgs } from 'node:util';
import { applySelfRules } from './self-rules/apply';

const USAGE = 'usage: npm run self-rules -- --pool <id> --send-group <id> [--job promduty]';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pool: { type: 'string' }, 'send-group': { type: 'string' }, job: { type: 'string', default: 'promduty' } } });
  const poolId = Number(values.pool);
  const sendGroupId = Number(values['send-group']);
  if (!Number.isInteger(poolId) || poolId < 1 || !Number.isInteger(sendGroupId) || sendGroupId < 1) throw new Error(USAGE);
  const plan = await applySelfRules({
    url: process.env.PROMDUTY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`,
    token: process.env.API_TOKEN ?? 'dev-api-token',
    poolId,
    sendGroupId,
    job: values.job ?? 'promduty',
  });
  console.log(
    `pool ${poolId}: ${plan.create.length} created, ${plan.update.length} updated (${plan.update.map((u) => u.name).join(', ') || 'none'}), ${plan.unchanged.length} unchanged`,
  );
}

main().catch((e: unknown) => {
  console.error(`self-rules: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
