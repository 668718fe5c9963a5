import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '@kubesim/shared';
import { computeStatus } from './controller.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function pod(name: string, opts: { ready?: boolean; deleting?: boolean; owner?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web' },
      ...(opts.deleting ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}),
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner, uid: opts.owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

function pdb(spec: Partial<NonNullable<PodDisruptionBudget['spec']>>, status?: PodDisruptionBudget['status']): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default', generation: 2 },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    ...(status ? { status } : {}),
  } as PodDisruptionBudget;
}

const noScale = () => undefined;

describe('disruption controller status', () => {
  it('allows the healthy pods above minAvailable to be disrupted', () => {
    const { status } = computeStatus(pdb({ minAvailable: 2 }), [pod('a'), pod('b'), pod('c'), pod('d', { ready: false }), pod('e', { deleting: true })], noScale, NOW);
    expect(status).toMatchObject({ observedGeneration: 2, expectedPods: 5, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(status.conditions).toMatchObject([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', observedGeneration: 2 }]);
  });

  it('allows nothing, with InsufficientPods, at the budget', () => {
    const { status } = computeStatus(pdb({ minAvailable: 2 }), [pod('a'), pod('b')], noScale, NOW);
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.conditions?.[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  it('counts a recently evicted pod as disrupted until it is deleted or 2 minutes pass', () => {
    const evictedAt = new Date(NOW - 30_000).toISOString();
    const recent = computeStatus(pdb({ minAvailable: 1 }, { disruptedPods: { a: evictedAt, gone: evictedAt }, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), [pod('a'), pod('b')], noScale, NOW);
    expect(recent.status).toMatchObject({ disruptedPods: { a: evictedAt }, currentHealthy: 1, disruptionsAllowed: 0 });
    expect(recent.recheckAfter).toBe(90_000);
    const later = computeStatus(pdb({ minAvailable: 1 }, recent.status), [pod('a'), pod('b')], noScale, NOW + 120_000);
    expect(later.status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
    expect(later.status.disruptedPods).toBeUndefined();
  });

  it('resolves maxUnavailable and percentages against the controllers’ replicas', () => {
    const scale = (p: Pod) => ({ uid: p.metadata.ownerReferences![0]!.uid, replicas: 4 });
    const pods = [pod('a', { owner: 'rs' }), pod('b', { owner: 'rs' }), pod('c', { owner: 'rs' })];
    expect(computeStatus(pdb({ maxUnavailable: 1 }), pods, scale, NOW).status).toMatchObject({ expectedPods: 4, desiredHealthy: 3, currentHealthy: 3, disruptionsAllowed: 0 });
    expect(computeStatus(pdb({ minAvailable: '50%' }), pods, scale, NOW).status).toMatchObject({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 1 });
    const failed = computeStatus(pdb({ maxUnavailable: '25%' }), [pod('x')], noScale, NOW).status;
    expect(failed).toMatchObject({ disruptionsAllowed: 0, conditions: [{ status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "x"' }] });
  });
});
