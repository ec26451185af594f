import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTargetGroups, shareTargetGroups, type SdHost, type SdNode, type TargetGroupInput } from '../../src/scrape/http-sd';
import { assertGoldenJson } from '../support/golden';

const nodes: SdNode[] = [
  { id: 4, path: '/corp/web/api', name: 'api' },
  { id: 3, path: '/corp/db/mysql', name: 'mysql' },
];
const hosts: SdHost[] = [
  { id: 21, hostname: 'api-2', ip: '10.0.4.2', labels: { rack: 'r2' }, nodeIds: [4] },
  { id: 20, hostname: 'api-1', ip: '10.0.4.1', labels: { rack: 'r1', __scheme__: 'https', tree_path: 'spoof' }, nodeIds: [4] },
  { id: 30, hostname: 'db-1', ip: 'fd00::30', labels: {}, nodeIds: [3] },
  // Bound to both selected nodes: served once, under node 3.
  { id: 31, hostname: 'db-and-api', ip: '10.0.3.31', labels: {}, nodeIds: [4, 3] },
  // Not under a selected node.
  { id: 40, hostname: 'elsewhere', ip: '10.0.9.1', labels: {}, nodeIds: [9] },
  // Same ip as api-1: served once, as the lower host id.
  { id: 22, hostname: 'api-1-dup', ip: '10.0.4.1', labels: {}, nodeIds: [4] },
];
const input: TargetGroupInput = { job: { id: 10, name: 'node', port: null }, nodes, hosts };

describe('buildTargetGroups', () => {
  test('golden: one group per host, ordered by node then host, tree labels win', () => {
    assertGoldenJson('scrape-http-sd.json', buildTargetGroups(input));
  });

  test('port: the job port, else 9100; IPv6 bracketed', () => {
    const targets = (port: number | null) => buildTargetGroups({ ...input, job: { ...input.job, port } }).flatMap((g) => g.targets);
    assert.deepEqual(targets(null), ['[fd00::30]:9100', '10.0.3.31:9100', '10.0.4.1:9100', '10.0.4.2:9100']);
    assert.deepEqual(targets(9256), ['[fd00::30]:9256', '10.0.3.31:9256', '10.0.4.1:9256', '10.0.4.2:9256']);
  });

  test('a host under two nodes appears once, under the lower node id; unselected hosts are left out', () => {
    const groups = buildTargetGroups(input);
    const both = groups.filter((g) => g.labels.hostname === 'db-and-api');
    assert.equal(both.length, 1);
    assert.equal(both[0]!.labels.tree_path, '/corp/db/mysql');
    assert.equal(groups.some((g) => g.labels.hostname === 'elsewhere'), false);
  });

  test('consistent filter: the members share the targets disjointly, a standby gets none', () => {
    const all = ['10.0.0.11:9090', '10.0.0.12:9090', '10.0.0.13:9090'];
    const full = buildTargetGroups(input).flatMap((g) => g.targets);
    const shares = all.map((address) => buildTargetGroups({ ...input, instance: { address, all } }).flatMap((g) => g.targets));
    assert.deepEqual(shares.flat().sort(), [...full].sort());
    const atOnce = shareTargetGroups(buildTargetGroups(input), all);
    assert.deepEqual(all.map((a) => atOnce.get(a)!.flatMap((g) => g.targets)), shares);
    assert.deepEqual(buildTargetGroups({ ...input, instance: { address: '10.0.0.99:9090', all } }), []);
  });

  test('speed: 10,000 hosts (printed, not asserted: machines differ)', () => {
    const manyNodes: SdNode[] = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, path: `/corp/svc${i}/leaf`, name: 'leaf' }));
    const manyHosts: SdHost[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: i + 1,
      hostname: `host-${i}`,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      labels: { rack: `r${i % 40}`, env: 'prod' },
      nodeIds: [(i % 100) + 1],
    }));
    const big: TargetGroupInput = { job: { id: 1, name: 'node', port: null }, nodes: manyNodes, hosts: manyHosts };
    // Wall time and this process' CPU time, medians of 7: wall time swings with other work on the machine.
    const time = (fn: () => unknown) => {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < 7; i++) {
        const [t0, c0] = [performance.now(), process.cpuUsage()];
        fn();
        const c = process.cpuUsage(c0);
        wall.push(performance.now() - t0);
        cpu.push((c.user + c.system) / 1000);
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[3]!.toFixed(1);
      return `${median(wall)} ms wall, ${median(cpu)} ms CPU`;
    };
    let body = '';
    const plain = time(() => (body = JSON.stringify(buildTargetGroups(big))));
    assert.equal((JSON.parse(body) as unknown[]).length, 10_000);
    const all = ['10.0.0.11:9090', '10.0.0.12:9090', '10.0.0.13:9090', '10.0.0.14:9090'];
    const share = time(() => JSON.stringify(buildTargetGroups({ ...big, instance: { address: all[0]!, all } })));
    console.log(`  http_sd, 10,000 hosts incl. JSON.stringify: ${plain}; one consistent share of 4 instances: ${share}`);
  });
});
