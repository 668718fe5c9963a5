import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deepFreeze, labelSelectorAsSelector } from '@kubesim/shared';
import type { Pod } from '@kubesim/shared';
import { controllerIndexValue, controllerRef } from '../controller-index.ts';
import { podFacts } from '../pod-facts.ts';
import { PodTallies } from './pod-tally.ts';
import type { PodCounts, TallyQuestions } from './pod-tally.ts';

const questionsFor = (selector: Record<string, string>, template: Record<string, string>): TallyQuestions => {
  const sel = labelSelectorAsSelector({ matchLabels: selector });
  return {
    selector: JSON.stringify(selector),
    matches: (p) => sel.matches(p.metadata.labels ?? {}),
    template: JSON.stringify(template),
    carries: (p) => Object.entries(template).every(([k, v]) => p.metadata.labels?.[k] === v),
  };
};

/** what a walk of the pods filed under `value` finds */
function walk(pods: Iterable<Pod>, value: string, q: TallyQuestions): PodCounts {
  const c: PodCounts = { owned: 0, unmatched: 0, fullyLabeled: 0, ready: 0 };
  for (const p of pods) {
    const ref = controllerRef(p);
    if (!ref || controllerIndexValue(p.metadata.namespace ?? '', ref.uid) !== value || !podFacts(p).active) continue;
    if (!q.matches(p)) c.unmatched++;
    else {
      c.owned++;
      if (q.carries(p)) c.fullyLabeled++;
      if (podFacts(p).ready) c.ready++;
    }
  }
  return c;
}

describe('PodTallies', () => {
  const podArb = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    namespace: fc.constantFrom('x', 'y'),
    owner: fc.constantFrom('rs1', 'rs2', undefined),
    app: fc.constantFrom('web', 'db'),
    tier: fc.constantFrom('front', undefined),
    phase: fc.constantFrom('Pending', 'Running', 'Succeeded', 'Failed'),
    ready: fc.boolean(),
    deleting: fc.boolean(),
  });
  const makePod = (o: { name: string; namespace: string; owner: string | undefined; app: string; tier: string | undefined; phase: string; ready: boolean; deleting: boolean }): Pod =>
    deepFreeze({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: o.name,
        namespace: o.namespace,
        labels: { app: o.app, ...(o.tier ? { tier: o.tier } : {}) },
        ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: o.owner, controller: true }] } : {}),
        ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: o.phase, conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
    } as Pod);
  const questionArb = fc.record({
    selector: fc.constantFrom<Record<string, string>>({ app: 'web' }, { app: 'db' }, {}),
    template: fc.constantFrom<Record<string, string>>({ app: 'web' }, { app: 'web', tier: 'front' }, {}),
  });
  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), pod: podArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), namespace: fc.constantFrom('x', 'y') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('ask' as const), namespace: fc.constantFrom('x', 'y'), owner: fc.constantFrom('rs1', 'rs2'), q: questionArb }) },
  );

  it('counts what a walk of the pods filed under the same controller finds, whatever the changes and questions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const tallies = new PodTallies();
        const cache = new Map<string, Pod>();
        for (const o of ops) {
          if (o.kind === 'put') {
            const pod = makePod(o.pod);
            const key = `${o.pod.namespace}/${o.pod.name}`;
            cache.set(key, pod);
            tallies.put(key, pod);
          } else if (o.kind === 'remove') {
            const key = `${o.namespace}/${o.name}`;
            cache.delete(key);
            tallies.remove(key);
          } else {
            const value = controllerIndexValue(o.namespace, o.owner);
            const q = questionsFor(o.q.selector, o.q.template);
            expect({ ...tallies.counts(value, q) }).toEqual(walk(cache.values(), value, q));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps counting after a question was asked: a pod that turns ready, or leaves, changes the counts', () => {
    const tallies = new PodTallies();
    const q = questionsFor({ app: 'web' }, { app: 'web' });
    const base = { namespace: 'x', owner: 'rs1', app: 'web', tier: undefined, phase: 'Running', deleting: false };
    tallies.put('x/a', makePod({ ...base, name: 'a', ready: false }));
    expect(tallies.counts('x/rs1', q)).toMatchObject({ owned: 1, ready: 0 });
    tallies.put('x/a', makePod({ ...base, name: 'a', ready: true }));
    tallies.put('x/b', makePod({ ...base, name: 'b', ready: true }));
    expect(tallies.counts('x/rs1', q)).toMatchObject({ owned: 2, ready: 2 });
    tallies.put('x/b', makePod({ ...base, name: 'b', ready: true, app: 'db' }));
    expect(tallies.counts('x/rs1', q)).toMatchObject({ owned: 1, unmatched: 1, ready: 1 });
    tallies.remove('x/a');
    expect(tallies.counts('x/rs1', q)).toMatchObject({ owned: 0, unmatched: 1, ready: 0 });
  });
});
