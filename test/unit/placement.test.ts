import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluatingInstances, placeRules, type PoolInstance } from '../../src/rules/placement';

type Rule = { id: number };
const healthy = (addresses: readonly string[]): PoolInstance[] => addresses.map((address) => ({ address, healthy: true }));
const rulesOf = (ids: readonly number[]): Rule[] => ids.map((id) => ({ id }));

/** Rule id → owner address, for alert rules and record rules separately. */
function owners(instances: PoolInstance[], alertIds: readonly number[], recordIds: readonly number[] = []) {
  const alerts = new Map<number, string>();
  const records = new Map<number, string>();
  for (const [address, share] of placeRules(instances, { alertRules: rulesOf(alertIds), recordRules: rulesOf(recordIds) })) {
    for (const r of share.alertRules) {
      assert.ok(!alerts.has(r.id), `alert ${r.id} placed twice`);
      alerts.set(r.id, address);
    }
    for (const r of share.recordRules) {
      assert.ok(!records.has(r.id), `record ${r.id} placed twice`);
      records.set(r.id, address);
    }
  }
  return { alerts, records };
}

const address = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1024, max: 65535 })).map(([h, p]) => `10.0.0.${h}:${p}`);
const addresses = fc.uniqueArray(address, { minLength: 1, maxLength: 8 });
const ids = fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 150 });

describe('rule placement', () => {
  test('each rule is evaluated by exactly one instance of the pool', () => {
    fc.assert(
      fc.property(addresses, ids, ids, (addrs, alertIds, recordIds) => {
        const { alerts, records } = owners(healthy(addrs), alertIds, recordIds);
        assert.deepEqual([...alerts.keys()].sort(), [...alertIds].sort());
        assert.deepEqual([...records.keys()].sort(), [...recordIds].sort());
        for (const owner of [...alerts.values(), ...records.values()]) assert.ok(addrs.includes(owner));
      }),
    );
  });

  test('adding a rule moves no other rule', () => {
    fc.assert(
      fc.property(addresses, ids, fc.integer({ min: 1_000_001, max: 2_000_000 }), (addrs, alertIds, extra) => {
        const before = owners(healthy(addrs), alertIds, alertIds);
        const after = owners(healthy(addrs), [...alertIds, extra], [extra, ...alertIds]);
        for (const id of alertIds) {
          assert.equal(after.alerts.get(id), before.alerts.get(id));
          assert.equal(after.records.get(id), before.records.get(id));
        }
      }),
    );
  });

  test('removing an instance moves only the rules it had', () => {
    fc.assert(
      fc.property(addresses.filter((a) => a.length >= 2), ids, fc.nat(), (addrs, alertIds, pick) => {
        const gone = addrs[pick % addrs.length]!;
        const before = owners(healthy(addrs), alertIds).alerts;
        const after = owners(healthy(addrs.filter((a) => a !== gone)), alertIds).alerts;
        for (const id of alertIds) {
          if (before.get(id) !== gone) assert.equal(after.get(id), before.get(id), `rule ${id} moved`);
          else assert.notEqual(after.get(id), gone);
        }
      }),
    );
  });

  test('an unhealthy instance is out of the set: its rules move, it keeps an empty share', () => {
    fc.assert(
      fc.property(addresses.filter((a) => a.length >= 2), ids, fc.nat(), (addrs, alertIds, pick) => {
        const sick = addrs[pick % addrs.length]!;
        const instances = addrs.map((a) => ({ address: a, healthy: a !== sick }));
        const placed = placeRules(instances, { alertRules: rulesOf(alertIds), recordRules: [] });
        assert.deepEqual(placed.get(sick), { alertRules: [], recordRules: [] });
        assert.deepEqual(owners(instances, alertIds).alerts, owners(healthy(addrs.filter((a) => a !== sick)), alertIds).alerts);
      }),
    );
  });

  test('the order instances are listed in does not matter', () => {
    fc.assert(
      fc.property(addresses, ids, (addrs, alertIds) => {
        assert.deepEqual(owners(healthy([...addrs].reverse()), alertIds), owners(healthy(addrs), alertIds));
      }),
    );
  });

  test('when no instance is healthy, all of them evaluate (never nobody)', () => {
    const instances = [
      { address: 'b:9090', healthy: false },
      { address: 'a:9090', healthy: false },
    ];
    assert.deepEqual(evaluatingInstances(instances), ['a:9090', 'b:9090']);
    const { alerts } = owners(instances, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(alerts.size, 8);
    assert.deepEqual(new Set(alerts.values()), new Set(['a:9090', 'b:9090']));
    assert.deepEqual(evaluatingInstances([{ address: 'a:9090', healthy: false }, { address: 'c:9090', healthy: true }]), ['c:9090']);
  });

  test('a pool without instances places nothing', () => {
    assert.equal(placeRules([], { alertRules: rulesOf([1, 2]), recordRules: rulesOf([1]) }).size, 0);
  });

  test('shares are balanced and keep input order', () => {
    const alertIds = Array.from({ length: 5000 }, (_, i) => i + 1);
    const placed = placeRules(healthy(['p1:9090', 'p2:9090', 'p3:9090', 'p4:9090']), { alertRules: rulesOf(alertIds), recordRules: [] });
    for (const [addr, share] of placed) {
      assert.ok(share.alertRules.length > 1100 && share.alertRules.length < 1400, `${addr} got ${share.alertRules.length} of 5000`);
      const got = share.alertRules.map((r) => r.id);
      assert.deepEqual(got, [...got].sort((a, b) => a - b));
    }
    assert.deepEqual([...placed.keys()], ['p1:9090', 'p2:9090', 'p3:9090', 'p4:9090']);
  });
});
