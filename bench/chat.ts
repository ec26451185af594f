/**
 * Card callbacks end to end (issue 7, goal ≤ 300 ms p99): signed, encrypted Claim and Silence
 * clicks against a running promduty with a real Alertmanager, each answered with the updated
 * card. Every click acts on its own event, so every one does the full work (Alertmanager call
 * included for silences). Run alone with `npx tsx bench/chat.ts`, or through `chatBench`.
 */
import { CHAT, startChatopsWorld } from '../test/support/chatops-fixture';
import { median, quantile, type Figure } from './stats';

export async function chatBench(callbacks = 300): Promise<Figure[]> {
  const w = await startChatopsWorld();
  try {
    const events = [];
    for (let i = 0; i < callbacks + 10; i++) events.push(await w.firingEvent(`Bench${i % 20}`, { instance: `host-${i}:9100`, job: 'node' }));
    const samples: number[] = [];
    for (const [i, ev] of events.entries()) {
      const value = i % 2 ? { a: 'silence', e: ev.id, d: '1h' } : { a: 'claim', e: ev.id };
      const t0 = performance.now();
      const answer = await w.caller.click('ou_eve', ev.messageId, CHAT, { tag: 'button', value });
      const ms = performance.now() - t0;
      if (answer.status !== 200 || answer.body?.toast?.type !== 'success') throw new Error(`callback failed: ${JSON.stringify(answer)}`);
      if (i >= 10) samples.push(ms); // the first ones warm the JIT and the pools
    }
    const note = `${callbacks} callbacks, half Claim, half Silence 1h`;
    return [
      { issue: 7, name: 'card callback Claim/Silence, p50', value: median(samples), unit: 'ms', note },
      { issue: 7, name: 'card callback Claim/Silence, p99', value: quantile(samples, 0.99), unit: 'ms', goal: { op: '<=', value: 300 }, note },
    ];
  } finally {
    await w.close();
  }
}

if (require.main === module) {
  chatBench().then(
    (figures) => {
      for (const f of figures) process.stdout.write(`${f.name}: ${f.value.toFixed(1)} ${f.unit}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${String((e as Error)?.stack ?? e)}\n`);
      process.exit(1);
    },
  );
}
