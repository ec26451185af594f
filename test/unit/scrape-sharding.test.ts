import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  assignTargets,
  consistentOwners,
  hashmodOwners,
  hashmodRelabels,
  movedWhenOneLeaves,
  shardMembers,
  shardOf,
  targetsMoved,
} from '../../src/scrape/sharding';
import type { InstanceSpec } from '../../src/scrape/model';
import { applyRelabels } from './scrape-relabel-sim';

const inst = (id: number, healthy = true): InstanceSpec => ({ id, address: `10.0.0.${id}:9090`, healthy });
const targetArb = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 65535 }))
  .map(([a, b, p]) => `10.${a}.${b}.1:${p}`);

describe('shards', () => {
  test('healthy instances sorted by id, modulus over the healthy ones', () => {
    const all = [inst(7), inst(3, false), inst(5), inst(9)];
    assert.deepEqual(shardMembers(all).map((i) => i.id), [5, 7, 9]);
    assert.deepEqual(shardOf(5, all), { index: 0, of: 3 });
    assert.deepEqual(shardOf(9, all), { index: 2, of: 3 });
    assert.equal(shardOf(3, all), null, 'an unhealthy instance is a standby');
    assert.equal(shardOf(42, all), null);
  });

  test('when no instance is healthy, all of them share the targets', () => {
    const all = [inst(2, false), inst(1, false)];
    assert.deepEqual(shardOf(1, all), { index: 0, of: 2 });
    assert.deepEqual(shardOf(2, all), { index: 1, of: 2 });
  });

  test('hashmod relabels: every target kept by exactly one healthy instance, none by a standby', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(targetArb, { minLength: 1, maxLength: 200 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (targets, health) => {
          const all = health.map((h, i) => inst(i + 1, h));
          const members = new Set(shardMembers(all).map((i) => i.id));
          const rules = new Map(all.map((i) => [i.id, hashmodRelabels(shardOf(i.id, all))]));
          for (const t of targets) {
            const keepers = all.filter((i) => applyRelabels({ __address__: t }, rules.get(i.id)!) !== null);
            assert.equal(keepers.length, 1, `${t} kept by ${keepers.map((k) => k.id).join(',') || 'nobody'}`);
            assert.ok(members.has(keepers[0]!.id), `${t} kept by non-member ${keepers[0]!.id}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the shard rules match hashmodOwners, i.e. Prometheus own arithmetic', () => {
    const all = [inst(1), inst(2), inst(3)];
    const targets = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}:9100`);
    const owners = hashmodOwners(targets, shardMembers(all).map((i) => i.address));
    for (const t of targets) {
      const keeper = all.find((i) => applyRelabels({ __address__: t }, hashmodRelabels(shardOf(i.id, all))) !== null);
      assert.equal(keeper?.address, owners.get(t));
    }
  });

  test('consistent assignTargets partitions the targets over every address', () => {
    fc.assert(
      fc.property(fc.uniqueArray(targetArb, { maxLength: 300 }), fc.integer({ min: 1, max: 6 }), (targets, n) => {
        const addresses = Array.from({ length: n }, (_, i) => inst(i + 1).address);
        const shares = assignTargets(targets, addresses);
        assert.deepEqual([...shares.keys()], addresses);
        const flat = [...shares.values()].flat();
        assert.equal(flat.length, targets.length);
        assert.deepEqual(new Set(flat), new Set(targets));
      }),
    );
  });
});

describe('target movement when 1 of 4 instances leaves', () => {
  const T = 10_000;
  const targets = Array.from({ length: T }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`);
  const addresses = [1, 2, 3, 4].map((id) => inst(id).address);

  test('consistent moves only the leaving instance share; hashmod moves most targets', () => {
    // One departure: 10,000 rendezvous picks take ~0.3 s on a slow machine (a sha1 per node and target).
    const leaving = addresses[1]!;
    const moved = movedWhenOneLeaves(targets, addresses, leaving);
    const ownedByLeaving = [...consistentOwners(targets, addresses).values()].filter((a) => a === leaving).length;
    const pct = (n: number) => `${((100 * n) / T).toFixed(1)}%`;
    console.log(`  1 of 4 leaves, ${T} targets: hashmod moves ${moved.hashmod} (${pct(moved.hashmod)}), consistent moves ${moved.consistent} (${pct(moved.consistent)})`);
    assert.equal(moved.consistent, ownedByLeaving, 'consistent: exactly the orphaned targets move');
    assert.ok(moved.consistent > 0.2 * T && moved.consistent < 0.3 * T, `consistent ${moved.consistent}`);
    assert.ok(moved.hashmod > 0.6 * T, `hashmod ${moved.hashmod}`);
  });

  test('targetsMoved counts owner changes and lost targets', () => {
    const before = new Map([['a', 'x'], ['b', 'y'], ['c', 'x']]);
    assert.equal(targetsMoved(before, new Map([['a', 'x'], ['b', 'x']])), 2);
    assert.equal(targetsMoved(before, before), 0);
  });
});
