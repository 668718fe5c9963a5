import { describe, expect, it } from 'vitest';
import type { Node, Taint, Toleration } from '@kubesim/shared';
import { evictionTime } from './taint-eviction.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, noExecuteTaintKey, noScheduleTaintKeys, reconcileControllerTaints, toleratesTaint } from './taints.ts';

function makeNode({ ready, memoryPressure, unschedulable, taints }: { ready?: string; memoryPressure?: string; unschedulable?: boolean; taints?: Taint[] }): Node {
  const conditions = [
    ...(ready ? [{ type: 'Ready', status: ready }] : []),
    ...(memoryPressure ? [{ type: 'MemoryPressure', status: memoryPressure }] : []),
  ];
  return { metadata: { name: 'n1' }, spec: { ...(unschedulable ? { unschedulable } : {}), ...(taints ? { taints } : {}) }, status: { conditions } };
}

describe('taints from node conditions', () => {
  it.each([
    ['a Ready node needs none', { ready: 'True' }, [], undefined],
    ['a NotReady node gets not-ready', { ready: 'False' }, [TAINT_NOT_READY], TAINT_NOT_READY],
    ['an unreachable node gets unreachable', { ready: 'Unknown' }, [TAINT_UNREACHABLE], TAINT_UNREACHABLE],
    ['memory pressure gets memory-pressure', { ready: 'True', memoryPressure: 'True' }, ['node.kubernetes.io/memory-pressure'], undefined],
    ['a cordoned node gets unschedulable', { ready: 'True', unschedulable: true }, ['node.kubernetes.io/unschedulable'], undefined],
    ['a node that never reported gets nothing yet', {}, [], undefined],
  ] as const)('%s', (_name, spec, noSchedule, noExecute) => {
    const node = makeNode(spec);
    expect(noScheduleTaintKeys(node)).toEqual(noSchedule);
    expect(noExecuteTaintKey(node)).toBe(noExecute);
  });

  it('keeps foreign taints and the timeAdded of a NoExecute taint it keeps', () => {
    const current: Taint[] = [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
      { key: TAINT_NOT_READY, effect: 'NoSchedule' },
    ];
    expect(reconcileControllerTaints(current, [TAINT_UNREACHABLE], TAINT_UNREACHABLE, '2024-01-01T00:05:00Z')).toEqual([
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
    ]);
  });

  it('stamps a new NoExecute taint with the time it was added, and removes it when the node is Ready', () => {
    const added = reconcileControllerTaints([], [TAINT_NOT_READY], TAINT_NOT_READY, 't1');
    expect(added).toContainEqual({ key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: 't1' });
    expect(reconcileControllerTaints(added, [], undefined, 't2')).toEqual([]);
  });
});

describe('toleratesTaint', () => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
  it.each([
    ['Exists with no key tolerates everything', { operator: 'Exists' }, true],
    ['Exists with the key tolerates any value', { key: 'k', operator: 'Exists' }, true],
    ['Equal needs the value', { key: 'k', operator: 'Equal', value: 'v' }, true],
    ['Equal with another value does not', { key: 'k', operator: 'Equal', value: 'w' }, false],
    ['the operator defaults to Equal', { key: 'k', value: 'v' }, true],
    ['another effect does not', { key: 'k', operator: 'Exists', effect: 'NoSchedule' }, false],
    ['another key does not', { key: 'x', operator: 'Exists' }, false],
  ] as [string, Toleration, boolean][])('%s', (_name, toleration, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });
});

describe('evictionTime', () => {
  const unreachable: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
  const addedAt = (t: Taint): number => Date.parse(t.timeAdded!);
  const base = Date.parse('2024-01-01T00:00:00Z');

  it('is immediate for a pod that does not tolerate the taint', () => {
    expect(evictionTime([], [unreachable], addedAt)).toBe(Number.NEGATIVE_INFINITY);
  });
  it('is tolerationSeconds after the taint was added', () => {
    expect(evictionTime([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], [unreachable], addedAt)).toBe(base + 300_000);
  });
  it('is never for a toleration without tolerationSeconds', () => {
    expect(evictionTime([{ operator: 'Exists' }], [unreachable], addedAt)).toBeUndefined();
  });
  it('honours the first matching toleration per taint, as Kubernetes', () => {
    expect(evictionTime([{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 60 }, { operator: 'Exists' }], [unreachable], addedAt)).toBe(base + 60_000);
  });
  it('caps finite tolerationSeconds at maxTolerationSeconds but leaves "forever" alone', () => {
    expect(evictionTime([{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 300 }], [unreachable], addedAt, 30)).toBe(base + 30_000);
    expect(evictionTime([{ operator: 'Exists' }], [unreachable], addedAt, 30)).toBeUndefined();
  });
});
