import { describe, expect, it } from 'vitest';
import { podCIDRFor, resolveNodes } from './pool.ts';

describe('resolveNodes', () => {
  it('makes the default pool: 4 CPU, 16Gi, 110 pods over three zones', () => {
    const nodes = resolveNodes(4);
    expect(nodes.map((n) => n.name)).toEqual(['kubesim-node-0', 'kubesim-node-1', 'kubesim-node-2', 'kubesim-node-3']);
    expect(nodes.map((n) => n.zone)).toEqual(['zone-a', 'zone-b', 'zone-c', 'zone-a']);
    expect(nodes[0]!.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(nodes[0]!.allocatable.memory).toBe('16674816Ki'); // 16Gi - 100Mi
    expect(nodes[1]!.labels).toMatchObject({
      'kubernetes.io/hostname': 'kubesim-node-1',
      'kubernetes.io/os': 'linux',
      'topology.kubernetes.io/zone': 'zone-b',
    });
    expect(nodes[3]!.podCIDR).toBe('10.244.3.0/24');
  });

  it('reads pools from YAML with capacity, labels, taints and zones', () => {
    const nodes = resolveNodes(`
pools:
  - namePrefix: gpu
    count: 2
    capacity: { cpu: 8, memory: 32Gi, nvidia.com/gpu: 1 }
    labels: { accelerator: a100 }
    taints: [{ key: gpu, value: "true", effect: NoSchedule }]
    zones: [eu-1a]
  - namePrefix: small
    count: 1
    capacity: { cpu: 500m }
`);
    expect(nodes.map((n) => n.name)).toEqual(['gpu-0', 'gpu-1', 'small-2']);
    expect(nodes[0]!.capacity['nvidia.com/gpu']).toBe('1');
    expect(nodes[0]!.labels.accelerator).toBe('a100');
    expect(nodes[1]!.taints).toEqual([{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(nodes[1]!.zone).toBe('eu-1a');
    expect(nodes[2]!.capacity.cpu).toBe('500m');
    expect(nodes[2]!.podCIDR).toBe('10.244.2.0/24');
  });

  it('numbers nodes from firstIndex so several processes do not collide', () => {
    expect(resolveNodes(1, 300)[0]).toMatchObject({ name: 'kubesim-node-300', podCIDR: '10.245.44.0/24' });
  });
});

describe('podCIDRFor', () => {
  it('gives each node index its own /24', () => {
    const cidrs = new Set(Array.from({ length: 2000 }, (_, i) => podCIDRFor(i)));
    expect(cidrs.size).toBe(2000);
  });
});
