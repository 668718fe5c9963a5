import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness, scoreResults } from '../testing/harness.ts';
import type { Taint, Toleration } from '../types.ts';
import { newTaintToleration } from './taint-toleration.ts';

const infra: Taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
const prefer = (key: string): Taint => ({ key, value: 'x', effect: 'PreferNoSchedule' });

describe('TaintToleration filter', () => {
  const cases: Array<{ name: string; taints: Taint[]; tolerations?: Toleration[]; want: string }> = [
    { name: 'a node without taints takes any pod', taints: [], want: 'ok' },
    {
      name: 'a NoSchedule taint rejects a pod that does not tolerate it, naming the taint',
      taints: [infra],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: infra}',
    },
    { name: 'an Equal toleration with the same key and value tolerates it', taints: [infra], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }], want: 'ok' },
    { name: 'an Exists toleration tolerates any value of the key', taints: [infra], tolerations: [{ key: 'dedicated', operator: 'Exists' }], want: 'ok' },
    { name: 'an empty key with Exists tolerates every taint', taints: [infra, { key: 'gpu', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: 'ok' },
    {
      name: 'a toleration for another effect does not help',
      taints: [infra],
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: infra}',
    },
    { name: 'NoExecute taints are enforced like NoSchedule', taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {k: v}' },
    { name: 'PreferNoSchedule taints never filter', taints: [prefer('a')], want: 'ok' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = newHarness({ nodes: [makeNode('n1', { taints: c.taints })] });
      expect(filterResults(newTaintToleration(), h, makePod('p', c.tolerations ? { tolerations: c.tolerations } : {}))['n1']).toBe(c.want);
    });
  }
});

describe('TaintToleration score', () => {
  it('the more intolerable PreferNoSchedule taints a node has, the lower score it gets', () => {
    const h = newHarness({
      nodes: [makeNode('n0'), makeNode('n1', { taints: [prefer('a')] }), makeNode('n2', { taints: [prefer('a'), prefer('b')] })],
    });
    const r = scoreResults(newTaintToleration(), h, makePod('p'));
    expect(r.raw).toEqual({ n0: 0, n1: 1, n2: 2 });
    expect(r.normalized).toEqual({ n0: 100, n1: 50, n2: 0 });
  });

  it('a tolerated PreferNoSchedule taint does not count against the node', () => {
    const h = newHarness({ nodes: [makeNode('n1', { taints: [prefer('a')] }), makeNode('n2', { taints: [prefer('b')] })] });
    const r = scoreResults(newTaintToleration(), h, makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] }));
    expect(r.normalized).toEqual({ n1: 100, n2: 0 });
  });

  it('when no node has intolerable taints, every node gets the maximum', () => {
    const h = newHarness({ nodes: [makeNode('n1'), makeNode('n2')], pods: [bindPod(makePod('x'), 'n1')] });
    expect(scoreResults(newTaintToleration(), h, makePod('p')).normalized).toEqual({ n1: 100, n2: 100 });
  });
});
