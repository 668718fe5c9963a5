// scheduledPodsRespectFilters on hand-made steps: several pods first seen bound in one
// step are each judged against the pods bound before them (the state's bindingOrder).

import { describe, expect, it } from 'vitest';
import type { Pod } from '@kubesim/shared';
import { clusterStateOf } from '../view.ts';
import { makeNode, makePod } from './fixtures.ts';
import { scheduledPodsRespectFilters } from './scheduling.ts';

const nodes = [makeNode('a'), makeNode('b')];
const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } }] } as Partial<NonNullable<Pod['spec']>>;
const order = (...pods: Pod[]): Map<string, number> => new Map(pods.map((p, i) => [p.metadata.uid ?? '', i + 1]));

describe('scheduledPodsRespectFilters', () => {
  it('does not judge a spread pod against pods of the same step bound after it', () => {
    const first = makePod('w-0', { node: 'a', labels: { app: 'w' }, spec: spread });
    const later = makePod('w-1', { node: 'a', labels: { app: 'w' } }); // no constraint of its own
    expect(scheduledPodsRespectFilters().check(clusterStateOf({ nodes, pods: [first, later], bindingOrder: order(first, later) }))).toEqual([]);
  });

  it('fails a spread pod bound after pods of the same step that skew its domain', () => {
    const earlier = makePod('w-0', { node: 'a', labels: { app: 'w' } });
    const second = makePod('w-1', { node: 'a', labels: { app: 'w' }, spec: spread });
    const found = scheduledPodsRespectFilters().check(clusterStateOf({ nodes, pods: [second, earlier], bindingOrder: order(earlier, second) }));
    expect(found).toEqual([expect.stringMatching(/^pod default\/w-1 was bound to a, which fails a filter: topology spread .* skew 2 > maxSkew 1/)]);
  });

  it('counts every bound pod when the binding order is unknown', () => {
    const first = makePod('w-0', { node: 'a', labels: { app: 'w' }, spec: spread });
    const other = makePod('w-1', { node: 'a', labels: { app: 'w' } });
    expect(scheduledPodsRespectFilters().check(clusterStateOf({ nodes, pods: [first, other] }))).toHaveLength(1);
  });
});
