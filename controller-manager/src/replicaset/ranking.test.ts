import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { podsToDelete, type RankedPod } from './ranking.ts';

function makePod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string } = {}): RankedPod {
  return {
    metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

describe('podsToDelete', () => {
  const cases: [string, RankedPod[], string][] = [
    ['deletes an unscheduled pod before a scheduled one', [makePod('a', { node: 'n1' }), makePod('b')], 'b'],
    ['deletes a pending pod before a running one', [makePod('a', { node: 'n1' }), makePod('b', { node: 'n2', phase: 'Pending' })], 'b'],
    ['deletes a not-ready pod before a ready one', [makePod('a', { node: 'n1' }), makePod('b', { node: 'n2', ready: false })], 'b'],
    [
      'deletes a doubled-up pod before a lone newer one',
      [makePod('a', { node: 'n1', created: '2026-01-03T00:00:00Z' }), makePod('b', { node: 'n2' }), makePod('c', { node: 'n2' })],
      'b',
    ],
    [
      'deletes the pod that became ready more recently',
      [makePod('a', { node: 'n1', readySince: '2026-01-01T00:00:00Z' }), makePod('b', { node: 'n2', readySince: '2026-01-01T01:00:00Z' })],
      'b',
    ],
    ['deletes the pod with more restarts', [makePod('a', { node: 'n1', restarts: 5 }), makePod('b', { node: 'n2' })], 'a'],
    [
      'deletes the newer pod when all else is equal',
      [makePod('a', { node: 'n1', created: '2026-01-01T00:00:00Z' }), makePod('b', { node: 'n2', created: '2026-01-02T00:00:00Z' })],
      'b',
    ],
  ];
  for (const [name, pods, want] of cases) {
    it(name, () => {
      expect(podsToDelete(pods, 1).map((p) => p.metadata.name)).toEqual([want]);
    });
  }

  it('never returns more pods than asked for or than exist', () => {
    const pods = [makePod('a'), makePod('b')];
    expect(podsToDelete(pods, 5)).toHaveLength(2);
    expect(podsToDelete(pods, 0)).toHaveLength(0);
  });

  // the rules read straight off the pods at every comparison, as a reference for the ranks
  // podsToDelete reads once per pod
  const reference = (pods: RankedPod[]): string[] => {
    const colocated = new Map<string, number>();
    for (const p of pods) if (p.spec?.nodeName) colocated.set(p.spec.nodeName, (colocated.get(p.spec.nodeName) ?? 0) + 1);
    const ready = (p: RankedPod) => p.status?.conditions?.find((c) => c.type === 'Ready');
    const time = (t: string | undefined) => (t ? Date.parse(t) : 0);
    const phase = (p: RankedPod) => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status?.phase ?? 'Pending'] ?? 0;
    const restarts = (p: RankedPod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    return [...pods]
      .sort((a, b) => {
        const [an, bn] = [a.spec?.nodeName ?? '', b.spec?.nodeName ?? ''];
        if (!an !== !bn) return an ? 1 : -1;
        if (phase(a) !== phase(b)) return phase(a) - phase(b);
        const [ra, rb] = [ready(a)?.status === 'True', ready(b)?.status === 'True'];
        if (ra !== rb) return ra ? 1 : -1;
        const [ca, cb] = [colocated.get(an) ?? 0, colocated.get(bn) ?? 0];
        if (ca !== cb) return cb - ca;
        if (ra && rb && time(ready(a)?.lastTransitionTime) !== time(ready(b)?.lastTransitionTime)) return time(ready(b)?.lastTransitionTime) - time(ready(a)?.lastTransitionTime);
        if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
        if (time(a.metadata.creationTimestamp) !== time(b.metadata.creationTimestamp)) return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
        return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
      })
      .map((p) => p.metadata.name ?? '');
  };

  it('ranks any pods as the rules read at each comparison would', () => {
    const stamp = fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z', '2026-01-02T00:00:00Z');
    const pod = fc.record({
      node: fc.constantFrom(undefined, 'n1', 'n2', 'n3'),
      phase: fc.constantFrom('Pending', 'Running', 'Unknown'),
      ready: fc.boolean(),
      readySince: stamp,
      restarts: fc.integer({ min: 0, max: 2 }),
      created: stamp,
    });
    fc.assert(
      fc.property(fc.array(pod, { maxLength: 30 }), fc.nat({ max: 35 }), (specs, count) => {
        const pods = specs.map(({ node, ...o }, i) => makePod(`p${i}`, node ? { ...o, node } : o));
        expect(podsToDelete(pods, count).map((p) => p.metadata.name)).toEqual(reference(pods).slice(0, count));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
