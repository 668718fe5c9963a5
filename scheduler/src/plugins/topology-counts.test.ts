import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { NodeInfo } from '../framework/node-info.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import type { LabelMatcher } from '../util/selectors.ts';
import { countPodsMatchSelector, MatchCountCache } from './topology-counts.ts';

const ZONE = 'topology.kubernetes.io/zone';
const web: LabelMatcher = (l) => l?.['app'] === 'web';

/** what a full recount gives: Σ per zone value over the nodes that have every required key */
function recount(nodes: readonly NodeInfo[], requiredKeys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const ni of nodes) {
    const labels = ni.node?.metadata.labels;
    if (!ni.node || !requiredKeys.every((k) => labels && Object.hasOwn(labels, k))) continue;
    const v = labels?.[ZONE] ?? '';
    out.set(v, (out.get(v) ?? 0) + countPodsMatchSelector(ni.pods, web, 'default'));
  }
  return out;
}

const sorted = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

/** the changes both recount properties make: a pod added or removed, a node relabelled or removed */
const podAndNodeSteps = (maxNode: number) =>
  [
    fc.record({ op: fc.constant('add' as const), node: fc.nat(maxNode), web: fc.boolean(), ns: fc.constantFrom('default', 'other') }),
    fc.record({ op: fc.constant('remove' as const), node: fc.nat(maxNode) }),
    fc.record({ op: fc.constant('relabel' as const), node: fc.nat(maxNode), zone: fc.constantFrom('a', 'b', 'c', undefined) }),
    fc.record({ op: fc.constant('removeNode' as const), node: fc.nat(maxNode) }),
  ] as const;

describe('MatchCountCache.domainCounts', () => {
  it('sums matching pods per zone, counting a zone with no matching pod as 0', () => {
    const nodes = [new NodeInfo('a1', makeNode('a1', { zone: 'a' })), new NodeInfo('b1', makeNode('b1', { zone: 'b' })), new NodeInfo('x', makeNode('x'))];
    nodes[0]!.addPod(newPodInfo(bindPod(makePod('w1', { labels: { app: 'web' } }), 'a1')));
    nodes[0]!.addPod(newPodInfo(bindPod(makePod('db', { labels: { app: 'db' } }), 'a1')));
    const counts = new MatchCountCache().forSelector('web', web, 'default');
    expect(sorted(counts.domainCounts(nodes, ZONE, [], ''))).toEqual([['', 0], ['a', 1], ['b', 0]]);
    expect(sorted(counts.domainCounts(nodes, ZONE, [ZONE], 'zoned'))).toEqual([['a', 1], ['b', 0]]);
  });

  it('after any run of pod and node changes gives what a full recount gives', () => {
    const step = fc.oneof(...podAndNodeSteps(5));
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', undefined), { minLength: 6, maxLength: 6 }), fc.array(step, { maxLength: 40 }), (zones, steps) => {
        // the cache's node list: a new array whenever a node leaves (SchedulerCache.list)
        let nodes = zones.map((z, i) => new NodeInfo(`n${i}`, makeNode(`n${i}`, z ? { zone: z } : {})));
        const counts = new MatchCountCache().forSelector('web', web, 'default');
        let serial = 0;
        for (const s of steps) {
          if (nodes.length === 0) break;
          const ni = nodes[s.node % nodes.length]!;
          if (s.op === 'add') ni.addPod(newPodInfo(bindPod(makePod(`p${serial++}`, { namespace: s.ns, labels: { app: s.web ? 'web' : 'db' } }), ni.name)));
          else if (s.op === 'remove' && ni.pods.length > 0) ni.removePod(ni.pods[0]!.key);
          else if (s.op === 'relabel') ni.setNode(makeNode(ni.name, s.zone ? { zone: s.zone } : {}));
          else if (s.op === 'removeNode') nodes = nodes.filter((n) => n !== ni);
          for (const keys of [[], [ZONE]]) expect(sorted(counts.domainCounts(nodes, ZONE, keys, keys.join()))).toEqual(sorted(recount(nodes, keys)));
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('starts over for another node list', () => {
    const counts = new MatchCountCache().forSelector('web', web, 'default');
    const one = [new NodeInfo('a1', makeNode('a1', { zone: 'a' }))];
    const two = [...one, new NodeInfo('b1', makeNode('b1', { zone: 'b' }))];
    expect(sorted(counts.domainCounts(one, ZONE, [], ''))).toEqual([['a', 0]]);
    expect(sorted(counts.domainCounts(two, ZONE, [], ''))).toEqual([['a', 0], ['b', 0]]);
  });

  it("given the cache's change log, after any run of changes gives what a full recount gives", () => {
    const step = fc.oneof(
      ...podAndNodeSteps(7),
      fc.record({ op: fc.constant('addNode' as const), node: fc.nat(7), zone: fc.constantFrom('a', 'b', undefined) }),
      fc.record({ op: fc.constant('burst' as const), node: fc.nat(7), n: fc.integer({ min: 100, max: 1500 }) }),
      fc.record({ op: fc.constant('ask' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const cache = new SchedulerCache(new VirtualClock());
        for (let i = 0; i < 6; i++) cache.addNode(makeNode(`n${i}`, i % 3 ? { zone: 'abc'[i % 3]! } : {}));
        const counts = new MatchCountCache().forSelector('web', web, 'default');
        let serial = 0;
        const place = (node: string, ns: string, isWeb: boolean): void => {
          cache.addOrUpdatePod(newPodInfo(bindPod(makePod(`p${serial++}`, { namespace: ns, labels: { app: isWeb ? 'web' : 'db' } }), node)), node);
        };
        for (const s of steps) {
          const name = `n${s.op === 'ask' ? 0 : s.node}`;
          if (s.op === 'add') place(name, s.ns, s.web);
          else if (s.op === 'remove') {
            const victim = cache.get(name)?.pods[0];
            if (victim) cache.removePod(victim);
          } else if (s.op === 'relabel' || s.op === 'addNode') cache.addNode(makeNode(name, s.zone ? { zone: s.zone } : {}));
          else if (s.op === 'removeNode') cache.removeNode(name);
          else if (s.op === 'burst' && cache.get(name)) {
            // more changes than the log keeps: the sums must notice and look at every node
            for (let i = 0; i < s.n; i++) place(name, 'other', false);
          }
          const nodes = cache.list();
          for (const keys of [[], [ZONE]]) expect(sorted(counts.domainCounts(nodes, ZONE, keys, keys.join(), cache))).toEqual(sorted(recount(nodes, keys)));
        }
      }),
      { numRuns: 150, seed: 12 },
    );
  });
});

describe('SchedulerCache.nodeChangesSince', () => {
  it('lists the nodes changed since a mark, and gives up once the log has moved past it', () => {
    const cache = new SchedulerCache(new VirtualClock());
    const a = cache.addNode(makeNode('a'));
    const b = cache.addNode(makeNode('b'));
    const first = cache.nodeChangesSince(-1);
    expect(first.nodes).toBeUndefined();
    cache.addOrUpdatePod(newPodInfo(bindPod(makePod('x'), 'b')), 'b');
    cache.addNode(makeNode('a', { cpu: '8' }));
    const next = cache.nodeChangesSince(first.mark);
    expect(next.nodes).toEqual([b, a]);
    expect(cache.nodeChangesSince(next.mark).nodes).toEqual([]);
    for (let i = 0; i < 3000; i++) cache.addOrUpdatePod(newPodInfo(bindPod(makePod(`p${i}`), 'a')), 'a');
    expect(cache.nodeChangesSince(next.mark).nodes).toBeUndefined();
  });
});
