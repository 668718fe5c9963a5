import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness, scoreResults } from '../testing/harness.ts';
import type { Pod, TopologySpreadConstraint } from '../types.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { newPodTopologySpread } from './pod-topology-spread.ts';

const zoneNodes = [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' }), makeNode('nozone')];
const web = (name: string, node?: string): Pod => {
  const p = makePod(name, { labels: { app: 'web' } });
  return node ? bindPod(p, node) : p;
};
const spread = (o: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'topology.kubernetes.io/zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...o,
});
const incoming = (c: TopologySpreadConstraint[]): Pod => makePod('new', { labels: { app: 'web' }, topologySpreadConstraints: c });
const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

describe('PodTopologySpread filter', () => {
  it('rejects nodes in a zone that would exceed maxSkew and accepts the emptier zone', () => {
    const h = newHarness({ nodes: zoneNodes, pods: [web('w1', 'a1'), web('w2', 'a2')] });
    const pl = newPodTopologySpread({}, h.handle);
    // zone a: 2 (+1 self) − min 0 = 3 > 1; zone b: 0 + 1 − 0 = 1
    expect(filterResults(pl, h, incoming([spread()]))).toEqual({ a1: SKEW, a2: SKEW, b1: 'ok', nozone: MISSING });
  });

  it('counts only pods matching the selector in the same namespace', () => {
    const other = bindPod(makePod('db', { labels: { app: 'db' } }), 'a1');
    const elsewhere = bindPod(makePod('w9', { namespace: 'other', labels: { app: 'web' } }), 'a1');
    const h = newHarness({ nodes: zoneNodes, pods: [other, elsewhere] });
    expect(filterResults(newPodTopologySpread({}, h.handle), h, incoming([spread()]))['a1']).toBe('ok');
  });

  it('a larger maxSkew tolerates more imbalance', () => {
    const h = newHarness({ nodes: zoneNodes, pods: [web('w1', 'a1'), web('w2', 'a2')] });
    expect(filterResults(newPodTopologySpread({}, h.handle), h, incoming([spread({ maxSkew: 3 })]))['a1']).toBe('ok');
  });

  it('minDomains larger than the number of domains makes the global minimum 0', () => {
    const h = newHarness({ nodes: zoneNodes, pods: [web('w1', 'a1'), web('w3', 'b1')] });
    const pl = newPodTopologySpread({}, h.handle);
    expect(filterResults(pl, h, incoming([spread()]))['a1']).toBe('ok');
    expect(filterResults(pl, h, incoming([spread({ minDomains: 3 })]))['a1']).toBe(SKEW);
  });

  it('ScheduleAnyway constraints never filter', () => {
    const h = newHarness({ nodes: zoneNodes, pods: [web('w1', 'a1'), web('w2', 'a2')] });
    expect(filterResults(newPodTopologySpread({}, h.handle), h, incoming([spread({ whenUnsatisfiable: 'ScheduleAnyway' })]))['a1']).toBe('ok');
  });
});

describe('PodTopologySpread score', () => {
  it('ranks nodes in emptier domains higher', () => {
    const h = newHarness({ nodes: zoneNodes.slice(0, 3), pods: [web('w1', 'a1'), web('w2', 'a2')] });
    const r = scoreResults(newPodTopologySpread({}, h.handle), h, incoming([spread({ whenUnsatisfiable: 'ScheduleAnyway' })]));
    // 2 zones → weight ln(4); zone a: 2 × 1.386 = 2.77 → 3, zone b: 0; normalized 100 × (3 + 0 − s) / 3
    expect(r.raw).toEqual({ a1: 3, a2: 3, b1: 0 });
    expect(r.normalized).toEqual({ a1: 0, a2: 0, b1: 100 });
  });

  it('applies the system default constraints to pods selected by a workload', () => {
    const h = newHarness({
      nodes: [makeNode('n1', { zone: 'a' }), makeNode('n2', { zone: 'a' })],
      pods: [web('w1', 'n1'), web('w2', 'n1')],
      listers: { workloadSelectorsFor: () => [{ app: 'web' }] },
    });
    const r = scoreResults(newPodTopologySpread({}, h.handle), h, web('new'));
    expect(r.skipped).toBe(false);
    expect(r.normalized['n2']).toBeGreaterThan(r.normalized['n1']!);
  });

  it('is skipped for a pod that no workload selects and that has no constraints', () => {
    const h = newHarness({ nodes: zoneNodes });
    expect(scoreResults(newPodTopologySpread({}, h.handle), h, makePod('p')).skipped).toBe(true);
  });
});

describe('PodTopologySpread remembered counts', () => {
  it('recounts a node once a pod lands on it or leaves it, scoring as a fresh plugin would', () => {
    const nodes = [makeNode('n1', { zone: 'a' }), makeNode('n2', { zone: 'a' }), makeNode('n3', { zone: 'b' })];
    const h = newHarness({ nodes, pods: [web('w1', 'n1')], listers: { workloadSelectorsFor: () => [{ app: 'web' }] } });
    const remembering = newPodTopologySpread({}, h.handle);
    const fresh = () => scoreResults(newPodTopologySpread({}, h.handle), h, web('new'));
    expect(scoreResults(remembering, h, web('new'))).toEqual(fresh());

    const added = new Map<string, ReturnType<typeof newPodInfo>>();
    for (const [name, node] of [['w2', 'n2'], ['w3', 'n2'], ['w4', 'n3']] as const) {
      added.set(name, newPodInfo(web(name, node)));
      h.cache.addOrUpdatePod(added.get(name)!, node);
      const r = scoreResults(remembering, h, web('new'));
      expect(r).toEqual(fresh());
    }
    // hostname (maxSkew 3, weight ln 5) + zone (maxSkew 5, weight ln 4); zone a holds w1..w3:
    // n1 = 1 × 1.61 + 2 + 3 × 1.39 + 4 = 11.8; n2 = 2 × 1.61 + 2 + 4.16 + 4 = 13.4; n3 = 1.61 + 2 + 1.39 + 4 = 9
    expect(scoreResults(remembering, h, web('new')).raw).toEqual({ n1: 12, n2: 13, n3: 9 });
    h.cache.removePod(added.get('w3')!);
    expect(scoreResults(remembering, h, web('new'))).toEqual(fresh());
  });

  it('keeps the counts of different selectors and namespaces apart', () => {
    const nodes = [makeNode('n1', { zone: 'a' }), makeNode('n2', { zone: 'b' })];
    const db = (name: string, node: string): Pod => bindPod(makePod(name, { labels: { app: 'db' } }), node);
    const h = newHarness({ nodes, pods: [web('w1', 'n1'), db('d1', 'n2'), db('d2', 'n2')] });
    const pl = newPodTopologySpread({}, h.handle);
    const forApp = (app: string, namespace = 'default'): Pod =>
      makePod('new', { namespace, labels: { app }, topologySpreadConstraints: [spread({ whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } })] });
    expect(scoreResults(pl, h, forApp('web')).normalized).toEqual({ n1: 0, n2: 100 });
    expect(scoreResults(pl, h, forApp('db')).normalized).toEqual({ n1: 100, n2: 0 });
    expect(scoreResults(pl, h, forApp('db', 'other')).normalized).toEqual({ n1: 100, n2: 100 });
  });
});
