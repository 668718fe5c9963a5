import { describe, expect, it } from 'vitest';
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
});
