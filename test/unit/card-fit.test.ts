import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CARD_MAX_BYTES, cardBytes, fitCount, header, md, card, type Card } from '../../src/cards/card';

/** A card of n lines whose lengths come from `sizes` (cycled), counting the builds asked for. */
function lines(sizes: number[]) {
  let builds = 0;
  const build = (n: number): Card => {
    builds++;
    return card(header('blue', 'fit'), Array.from({ length: n }, (_, i) => md('x'.repeat(sizes[i % sizes.length]!))));
  };
  return { build, builds: () => builds };
}

test('fitCount: the largest count that fits, as a binary search would find it, in a few builds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3000 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }), (max, sizes) => {
      const l = lines(sizes);
      const got = fitCount(max, l.build);
      const n = got.body.elements.length;
      assert.ok(cardBytes(got) <= CARD_MAX_BYTES);
      if (n < max) assert.ok(cardBytes(l.build(n + 1)) > CARD_MAX_BYTES, `${n + 1} lines would have fit`);
      assert.ok(l.builds() <= 2 * Math.ceil(Math.log2(max + 2)) + 4, `${l.builds()} builds for ${max}`);
    }),
    { numRuns: 60 },
  );
});

test('fitCount: same-size lines cost at most four builds', () => {
  const l = lines([100]);
  const got = fitCount(2000, l.build);
  assert.ok(got.body.elements.length > 100 && got.body.elements.length < 2000);
  assert.ok(l.builds() <= 4, `${l.builds()} builds`);
});
