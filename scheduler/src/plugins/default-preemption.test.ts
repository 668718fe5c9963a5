import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../framework/pod-info.ts';
import { makePod } from '../testing/builders.ts';
import type { PodDisruptionBudget } from '../types.ts';
import { filterPodsWithPDBViolation, moreImportantPod, pickOneNodeForPreemption } from './default-preemption.ts';
import type { Candidate } from './default-preemption.ts';

const pi = (name: string, priority: number, start?: string, labels?: Record<string, string>) =>
  newPodInfo(makePod(name, { priority, ...(start ? { startTime: start } : {}), ...(labels ? { labels } : {}) }));
const cand = (node: string, victims: ReturnType<typeof pi>[], numPDBViolations = 0): Candidate => ({ node, victims, numPDBViolations });

describe('moreImportantPod', () => {
  it('puts higher priority first, then the pod that started earlier', () => {
    const pods = [pi('late', 1, '2025-01-02T00:00:00Z'), pi('high', 5), pi('early', 1, '2025-01-01T00:00:00Z')];
    expect(pods.sort(moreImportantPod).map((p) => p.pod.metadata.name)).toEqual(['high', 'early', 'late']);
  });
});

describe('pickOneNodeForPreemption', () => {
  const cases: Array<{ name: string; candidates: Candidate[]; want: string }> = [
    { name: 'fewest PDB violations wins first', candidates: [cand('n1', [pi('a', 0)], 1), cand('n2', [pi('b', 5), pi('c', 5)], 0)], want: 'n2' },
    { name: 'then the lowest highest-priority victim', candidates: [cand('n1', [pi('a', 10)]), cand('n2', [pi('b', 5), pi('c', 5)])], want: 'n2' },
    { name: 'then the smallest sum of priorities', candidates: [cand('n1', [pi('a', 5), pi('b', 5)]), cand('n2', [pi('c', 5), pi('d', 1)])], want: 'n2' },
    { name: 'then the fewest victims', candidates: [cand('n1', [pi('a', 5), pi('b', 0), pi('c', 0)]), cand('n2', [pi('d', 5), pi('e', 0)])], want: 'n2' },
    {
      name: 'then the node whose top victims started most recently',
      candidates: [cand('n1', [pi('a', 5, '2025-01-01T00:00:00Z')]), cand('n2', [pi('b', 5, '2025-01-03T00:00:00Z')])],
      want: 'n2',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(pickOneNodeForPreemption(c.candidates)?.node).toBe(c.want);
    });
  }
});

describe('filterPodsWithPDBViolation', () => {
  it('counts a victim as violating once its budget has no disruptions left', () => {
    const pdb: PodDisruptionBudget = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1 } };
    const pods = [pi('w1', 0, undefined, { app: 'web' }), pi('w2', 0, undefined, { app: 'web' }), pi('db', 0, undefined, { app: 'db' })];
    const [violating, ok] = filterPodsWithPDBViolation(pods, [pdb]);
    expect(violating.map((p) => p.pod.metadata.name)).toEqual(['w2']);
    expect(ok.map((p) => p.pod.metadata.name)).toEqual(['w1', 'db']);
  });
});
