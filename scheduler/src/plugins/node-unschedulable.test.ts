import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness } from '../testing/harness.ts';
import { newNodeName } from './node-name.ts';
import { newNodeUnschedulable } from './node-unschedulable.ts';

describe('NodeUnschedulable filter', () => {
  const h = () => newHarness({ nodes: [makeNode('cordoned', { unschedulable: true }), makeNode('open')] });
  it('a cordoned node rejects an ordinary pod', () => {
    expect(filterResults(newNodeUnschedulable(), h(), makePod('p'))).toEqual({ cordoned: 'UnschedulableAndUnresolvable: node(s) were unschedulable', open: 'ok' });
  });
  it('a pod tolerating node.kubernetes.io/unschedulable may still land there', () => {
    const pod = makePod('ds', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(filterResults(newNodeUnschedulable(), h(), pod)).toEqual({ cordoned: 'ok', open: 'ok' });
  });
});

describe('NodeName filter', () => {
  it('a pod naming a node fits only that node', () => {
    const h = newHarness({ nodes: [makeNode('n1'), makeNode('n2')] });
    const r = filterResults(newNodeName(), h, makePod('p', { spec: { nodeName: 'n2' } }));
    expect(r).toEqual({ n1: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name", n2: 'ok' });
  });
  it('a pod without nodeName is not checked', () => {
    const h = newHarness({ nodes: [makeNode('n1')] });
    expect(filterResults(newNodeName(), h, makePod('p'))).toEqual({ n1: 'ok' });
  });
});
