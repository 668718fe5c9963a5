import { describe, expect, it } from 'vitest';
import { fitErrorMessage, newDiagnosis } from './fit-error.ts';
import { unresolvable, unschedulable } from './status.ts';

describe('fitErrorMessage', () => {
  it('counts reasons across nodes and sorts them as kube-scheduler does', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('n1', unresolvable('node(s) had untolerated taint {dedicated: infra}'));
    d.nodeToStatus.set('n2', unschedulable('Insufficient cpu'));
    d.nodeToStatus.set('n3', unschedulable('Insufficient cpu', 'Insufficient memory'));
    d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(fitErrorMessage(3, d)).toBe(
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: infra}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('uses the PreFilter message instead of per-node reasons', () => {
    const d = newDiagnosis();
    d.preFilterMsg = 'pod has unbound immediate PersistentVolumeClaims';
    expect(fitErrorMessage(2, d)).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
  });

  it('counts nodes without an explicit status under the absent status', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('n1', unschedulable('Too many pods'));
    d.absentNodesStatus = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
    expect(fitErrorMessage(4, d)).toBe("0/4 nodes are available: 1 Too many pods, 3 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
});
