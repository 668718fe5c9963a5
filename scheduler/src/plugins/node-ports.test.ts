import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness } from '../testing/harness.ts';
import type { ContainerPort } from '../types.ts';
import { newNodePorts } from './node-ports.ts';

const podWith = (name: string, ports: ContainerPort[]) => makePod(name, { containers: [{ name: 'c', ports }] });
const BUSY = "Unschedulable: node(s) didn't have free ports for the requested pod ports";

describe('NodePorts filter', () => {
  const existing = bindPod(podWith('old', [{ containerPort: 80, hostPort: 8080 }]), 'n1');
  const cases: Array<{ name: string; ports: ContainerPort[]; want: string }> = [
    { name: 'a pod without host ports fits anywhere', ports: [{ containerPort: 80 }], want: 'ok' },
    { name: 'the same host port and protocol on any address clashes with 0.0.0.0', ports: [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }], want: BUSY },
    { name: 'another protocol on the same port is free', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }], want: 'ok' },
    { name: 'another port is free', ports: [{ containerPort: 80, hostPort: 8081 }], want: 'ok' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = newHarness({ nodes: [makeNode('n1')], pods: [existing] });
      expect(filterResults(newNodePorts(), h, podWith('p', c.ports))['n1']).toBe(c.want);
    });
  }

  it('two specific addresses do not clash with each other', () => {
    const h = newHarness({ nodes: [makeNode('n1')], pods: [bindPod(podWith('old', [{ containerPort: 80, hostPort: 9000, hostIP: '10.0.0.1' }]), 'n1')] });
    expect(filterResults(newNodePorts(), h, podWith('p', [{ containerPort: 80, hostPort: 9000, hostIP: '10.0.0.2' }]))['n1']).toBe('ok');
    expect(filterResults(newNodePorts(), h, podWith('p', [{ containerPort: 80, hostPort: 9000 }]))['n1']).toBe(BUSY);
  });
});
