import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness, scoreResults } from '../testing/harness.ts';
import type { Affinity } from '../types.ts';
import { newNodeAffinity } from './node-affinity.ts';

const nodes = [
  makeNode('n1', { labels: { zone: 'a', disk: 'ssd', gen: '5' } }),
  makeNode('n2', { labels: { zone: 'a', gen: '3' } }),
  makeNode('n3', { labels: { zone: 'b', disk: 'ssd' } }),
];
const REJECT = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
const required = (...terms: NonNullable<NonNullable<Affinity['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>['nodeSelectorTerms']): Affinity => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
});

describe('NodeAffinity filter', () => {
  const cases: Array<{ name: string; pod: Parameters<typeof makePod>[1]; want: Record<string, string> }> = [
    { name: 'a pod without selector or affinity fits every node', pod: {}, want: { n1: 'ok', n2: 'ok', n3: 'ok' } },
    { name: 'nodeSelector requires every label to match', pod: { nodeSelector: { zone: 'a', disk: 'ssd' } }, want: { n1: 'ok', n2: REJECT, n3: REJECT } },
    {
      name: 'required terms are ORed, expressions inside a term ANDed',
      pod: { affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'Exists' }] }) },
      want: { n1: 'ok', n2: REJECT, n3: 'ok' },
    },
    { name: 'NotIn and DoesNotExist match nodes without the label', pod: { affinity: required({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }) }, want: { n1: REJECT, n2: 'ok', n3: REJECT } },
    { name: 'Gt compares label values as integers', pod: { affinity: required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }) }, want: { n1: 'ok', n2: REJECT, n3: REJECT } },
    { name: 'matchFields on metadata.name picks nodes by name', pod: { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }) }, want: { n1: REJECT, n2: 'ok', n3: REJECT } },
    { name: 'an empty term matches no node', pod: { affinity: required({}) }, want: { n1: REJECT, n2: REJECT, n3: REJECT } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(filterResults(newNodeAffinity(), newHarness({ nodes }), makePod('p', c.pod))).toEqual(c.want);
    });
  }

  it('addedAffinity from the profile applies to every pod', () => {
    const pl = newNodeAffinity({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } });
    expect(filterResults(pl, newHarness({ nodes }), makePod('p'))).toEqual({ n1: REJECT, n2: REJECT, n3: 'ok' });
  });
});

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms and scales the best node to 100', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          ],
        },
      },
    });
    const r = scoreResults(newNodeAffinity(), newHarness({ nodes }), pod);
    expect(r.raw).toEqual({ n1: 100, n2: 80, n3: 20 });
    expect(r.normalized).toEqual({ n1: 100, n2: 80, n3: 20 });
  });

  it('is skipped for a pod without preferred terms', () => {
    expect(scoreResults(newNodeAffinity(), newHarness({ nodes }), makePod('p')).skipped).toBe(true);
  });
});
