// The scheduling oracle as tables: toleration matching, the first rejecting filter,
// anti-affinity from either side, topology spread skew.

import { describe, expect, it } from 'vitest';
import { clusterStateOf } from '../view.ts';
import { makeNode, makePod } from './fixtures.ts';
import { tolerates, whyNot } from './rules.ts';

describe('the scheduling oracle', () => {
  it('matches tolerations as Kubernetes does', () => {
    const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
    const cases: Array<[string, object, boolean]> = [
      ['Equal with the same key and value', { key: 'dedicated', operator: 'Equal', value: 'infra' }, true],
      ['Equal with another value', { key: 'dedicated', value: 'batch' }, false],
      ['Exists on the key', { key: 'dedicated', operator: 'Exists' }, true],
      ['Exists without a key tolerates everything', { operator: 'Exists' }, true],
      ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ];
    for (const [name, t, want] of cases) expect(tolerates([t as never], taint), name).toBe(want);
  });

  const nodes = [makeNode('a', { cpu: '1', labels: { zone: 'z1', disk: 'ssd' } }), makeNode('b', { cpu: '1', labels: { zone: 'z2' }, taints: [{ key: 'gpu', value: 'batch', effect: 'NoSchedule' }] })];

  it('gives the first filter that rejects a node', () => {
    const state = clusterStateOf({ nodes, pods: [makePod('busy', { node: 'a', cpu: '800m' })] });
    expect(whyNot(makePod('p', { cpu: '300m' }), nodes[0]!, state)).toMatch(/^insufficient cpu/);
    expect(whyNot(makePod('p'), nodes[1]!, state)).toBe('untolerated taint gpu=batch:NoSchedule');
    expect(whyNot(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), nodes[1]!, state)).toMatch(/taint/);
    expect(whyNot(makePod('p', { spec: { nodeSelector: { disk: 'hdd' } } }), nodes[0]!, state)).toBe('node selector / required node affinity does not match');
    expect(whyNot(makePod('p', { cpu: '100m' }), nodes[0]!, state)).toBeUndefined();
  });

  it('sees required anti-affinity from either side', () => {
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }] } } };
    const state = clusterStateOf({ nodes, pods: [makePod('db-0', { node: 'a', labels: { app: 'db' }, spec: anti as never })] });
    expect(whyNot(makePod('db-1', { labels: { app: 'db' } }), nodes[0]!, state)).toMatch(/anti-affinity/);
    expect(whyNot(makePod('db-1', { labels: { app: 'db' }, spec: { ...anti, tolerations: [{ operator: 'Exists' }] } as never }), nodes[1]!, state)).toBeUndefined();
  });

  it('computes topology spread skew over the eligible domains', () => {
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } }] };
    const state = clusterStateOf({ nodes, pods: [makePod('w-0', { node: 'a', labels: { app: 'w' } })] });
    expect(whyNot(makePod('w-1', { labels: { app: 'w' }, spec: spread as never }), nodes[0]!, state)).toMatch(/skew 2 > maxSkew 1 in z1/);
  });
});
