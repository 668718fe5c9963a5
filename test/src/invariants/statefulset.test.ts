// statefulSetOrdering across consecutive hand-made states: ordered creation, creation
// before a predecessor is ready, scale-down that does not start at the top.

import { describe, expect, it } from 'vitest';
import type { StatefulSet } from '@kubesim/shared';
import { clusterStateOf } from '../view.ts';
import { makePod } from './fixtures.ts';
import { statefulSetOrdering } from './statefulset.ts';

const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default', uid: 'uid-db' }, spec: { replicas: 3, podManagementPolicy: 'OrderedReady' } } as unknown as StatefulSet;
const owner = { kind: 'StatefulSet', name: 'db', uid: 'uid-db' };
const pod = (i: number, ready: boolean, terminating = false) => makePod(`db-${i}`, { node: 'n1', owner, ready, terminating });

describe('statefulSetOrdering', () => {
  it('accepts pods created one after another, each once its predecessor is ready', () => {
    const inv = statefulSetOrdering();
    expect(inv.check(clusterStateOf({ statefulSets: [sts], pods: [pod(0, false)] }))).toEqual([]);
    expect(inv.check(clusterStateOf({ statefulSets: [sts], pods: [pod(0, true), pod(1, false)] }))).toEqual([]);
  });

  it('flags a pod created before a lower ordinal is ready', () => {
    const inv = statefulSetOrdering();
    inv.check(clusterStateOf({ statefulSets: [sts], pods: [pod(0, false)] }));
    expect(inv.check(clusterStateOf({ statefulSets: [sts], pods: [pod(0, false), pod(1, false)] }))).toEqual([
      'statefulset default/db: db-1 was created while ordinal 0 is db-0@n1(Running,NotReady)',
    ]);
  });

  it('flags a scale-down that starts below a pod still there', () => {
    const inv = statefulSetOrdering();
    const down = { ...sts, spec: { ...sts.spec, replicas: 1 } } as StatefulSet;
    inv.check(clusterStateOf({ statefulSets: [down], pods: [pod(0, true), pod(1, true), pod(2, true)] }));
    expect(inv.check(clusterStateOf({ statefulSets: [down], pods: [pod(0, true), pod(1, true, true), pod(2, true)] }))[0]).toMatch(/db-1 started terminating \(scale-down\) while higher ordinals remain: db-2/);
  });
});
