import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '@kubesim/shared';
import { podsOnMissingNodes, terminatedPodsToDelete, terminatingPodsOnOutOfServiceNodes, unscheduledTerminatingPods } from './gc.ts';

function makePod(name: string, opts: { phase?: string; reason?: string; created?: string; nodeName?: string; deleting?: boolean } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2024-01-01T01:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
    status: { ...(opts.phase ? { phase: opts.phase } : {}), ...(opts.reason ? { reason: opts.reason } : {}) },
  };
}

function makeNode(name: string, { ready, outOfService }: { ready: boolean; outOfService?: boolean }): Node {
  return {
    metadata: { name },
    spec: outOfService ? { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } : {},
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');

describe('terminatedPodsToDelete', () => {
  const pods = [
    makePod('new-done', { phase: 'Succeeded', created: '2024-01-01T03:00:00Z' }),
    makePod('old-done', { phase: 'Succeeded', created: '2024-01-01T01:00:00Z' }),
    makePod('evicted', { phase: 'Failed', reason: 'Evicted', created: '2024-01-01T04:00:00Z' }),
    makePod('mid-failed', { phase: 'Failed', created: '2024-01-01T02:00:00Z' }),
    makePod('running', { phase: 'Running', created: '2024-01-01T00:00:00Z' }),
  ];
  it('deletes the surplus over the threshold, evicted pods first, then the oldest', () => {
    expect(names(terminatedPodsToDelete(pods, 2))).toEqual(['evicted', 'old-done']);
  });
  it('deletes nothing at or under the threshold, or when the pass is off', () => {
    expect(terminatedPodsToDelete(pods, 4)).toEqual([]);
    expect(terminatedPodsToDelete(pods, 0)).toEqual([]);
  });
});

describe('terminatingPodsOnOutOfServiceNodes', () => {
  it('picks terminating pods on a NotReady node with the out-of-service taint only', () => {
    const nodes = new Map([
      ['gone', makeNode('gone', { ready: false, outOfService: true })],
      ['sick', makeNode('sick', { ready: false })],
      ['fine', makeNode('fine', { ready: true, outOfService: true })],
    ]);
    const pods = [
      makePod('a', { nodeName: 'gone', deleting: true }),
      makePod('b', { nodeName: 'gone' }),
      makePod('c', { nodeName: 'sick', deleting: true }),
      makePod('d', { nodeName: 'fine', deleting: true }),
    ];
    expect(names(terminatingPodsOnOutOfServiceNodes(pods, (n) => nodes.get(n)))).toEqual(['a']);
  });
});

describe('unscheduledTerminatingPods', () => {
  it('picks terminating pods that were never bound', () => {
    const pods = [makePod('a', { deleting: true }), makePod('b'), makePod('c', { nodeName: 'n1', deleting: true })];
    expect(names(unscheduledTerminatingPods(pods))).toEqual(['a']);
  });
});

describe('podsOnMissingNodes', () => {
  it('groups bound pods by the missing node they are bound to', () => {
    const pods = [makePod('a', { nodeName: 'gone' }), makePod('b', { nodeName: 'n1' }), makePod('c'), makePod('d', { nodeName: 'gone' })];
    const got = podsOnMissingNodes(pods, (n) => n === 'n1');
    expect([...got.keys()]).toEqual(['gone']);
    expect(names(got.get('gone')!)).toEqual(['a', 'd']);
  });
});
