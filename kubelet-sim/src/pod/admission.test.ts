import { describe, expect, it } from 'vitest';
import { admitPod, podRequests, qosClass } from './admission.ts';
import type { AdmissionNode } from './admission.ts';
import type { Container, Pod } from '../types.ts';

const node: AdmissionNode = {
  name: 'n1',
  labels: { 'kubernetes.io/hostname': 'n1', disk: 'ssd' },
  taints: [],
  allocatable: { cpu: '4', memory: '16Gi', pods: '3' },
  pressure: [],
};

function makePod(containers: Array<Partial<Container>>, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'nginx', ...c })), ...extra },
  };
}
const cpu = (v: string): Partial<Container> => ({ resources: { requests: { cpu: v } } });

describe('admitPod', () => {
  it('admits a pod that fits', () => {
    expect(admitPod(makePod([cpu('1')]), node, [makePod([cpu('2')])])).toEqual({ admit: true });
  });

  it('rejects with OutOfcpu and the kubelet message when cpu does not fit', () => {
    expect(admitPod(makePod([cpu('2500m')]), node, [makePod([cpu('2')])])).toEqual({
      admit: false,
      reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 2500, used: 2000, capacity: 4000",
    });
  });

  it('rejects with OutOfmemory in bytes', () => {
    const r = admitPod(makePod([{ resources: { requests: { memory: '17Gi' } } }]), node, []);
    expect(r).toMatchObject({ reason: 'OutOfmemory', message: expect.stringContaining('requested: 18253611008, used: 0, capacity: 17179869184') });
  });

  it('rejects the pod beyond the pod count with OutOfpods', () => {
    expect(admitPod(makePod([{}]), node, [makePod([{}]), makePod([{}]), makePod([{}])])).toMatchObject({ reason: 'OutOfpods' });
  });

  it('rejects a nodeSelector mismatch as NodeAffinity', () => {
    expect(admitPod(makePod([{}], { nodeSelector: { disk: 'hdd' } }), node, [])).toMatchObject({ reason: 'NodeAffinity' });
    expect(admitPod(makePod([{}], { nodeSelector: { disk: 'ssd' } }), node, [])).toEqual({ admit: true });
  });

  it('rejects untolerated NoExecute taints but not NoSchedule ones', () => {
    const tainted = { ...node, taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoExecute' }] };
    expect(admitPod(makePod([{}]), tainted, [])).toMatchObject({ reason: 'TaintToleration' });
    expect(admitPod(makePod([{}], { tolerations: [{ key: 'b', operator: 'Exists' }] }), tainted, [])).toEqual({ admit: true });
  });

  it('refuses BestEffort pods under memory pressure and every pod under disk pressure', () => {
    expect(admitPod(makePod([{}]), { ...node, pressure: ['MemoryPressure'] }, [])).toMatchObject({ reason: 'Evicted' });
    expect(admitPod(makePod([cpu('1')]), { ...node, pressure: ['MemoryPressure'] }, [])).toEqual({ admit: true });
    expect(admitPod(makePod([cpu('1')]), { ...node, pressure: ['DiskPressure'] }, [])).toMatchObject({
      reason: 'Evicted',
      message: 'The node had condition: [DiskPressure]. ',
    });
  });
});

describe('podRequests', () => {
  it('takes the larger of the containers summed and any init container', () => {
    const pod = makePod([cpu('100m'), cpu('200m')], { initContainers: [{ name: 'i', resources: { requests: { cpu: '500m' } } }] });
    expect(podRequests(pod).get('cpu')).toBe(500);
  });
  it('uses limits when requests are missing', () => {
    expect(podRequests(makePod([{ resources: { limits: { memory: '1Ki' } } }])).get('memory')).toBe(1024);
  });
});

describe('qosClass', () => {
  it('classifies as Kubernetes does', () => {
    expect(qosClass(makePod([{}]))).toBe('BestEffort');
    expect(qosClass(makePod([cpu('1')]))).toBe('Burstable');
    expect(qosClass(makePod([{ resources: { limits: { cpu: '1', memory: '1Gi' } } }]))).toBe('Guaranteed');
  });

  it('gives the same verdicts from the running pods\' precomputed requests as from their specs', () => {
    const running = [makePod([cpu('1')]), makePod([cpu('1500m')])];
    for (const want of ['1', '1500m', '1501m']) {
      const pod = makePod([cpu(want)]);
      expect(admitPod(pod, node, running, running.map(podRequests))).toEqual(admitPod(pod, node, running));
    }
  });
});
