// restampedManagedFields: the short way is taken where it should be (a Lease renewal, a
// node heartbeat beside other managers) and answers as the reference does. That it never
// answers differently is update-fields.test.ts's property.
import { describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { restampedManagedFields } from './restamp.ts';
import { ownableContent } from './update-fields.ts';
import { referenceManagedFieldsAfterUpdate } from './update-fields.reference.ts';

type JsonMap = Record<string, unknown>;

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:10Z';
const T2 = '2026-01-01T00:00:20Z';

describe('restampedManagedFields', () => {
  it('takes the short way for a Lease renewal and a node heartbeat, and answers as the long way', () => {
    const node = (heartbeat: string): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n1', labels: { a: 'b' } },
        spec: { podCIDRs: ['10.0.0.0/24'] },
        status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: heartbeat }], images: [{ names: ['nginx'], sizeBytes: 1 }] },
      }) as unknown as KubeObject;
    const made = node(T0);
    const main = referenceManagedFieldsAfterUpdate(undefined, made, 'kubelet', 'Update', T0, resources.nodes)!;
    const beat = node(T1);
    const status = referenceManagedFieldsAfterUpdate({ ...made, metadata: { ...made.metadata, managedFields: main } }, beat, 'kubelet', 'Update', T1, resources.nodes, 'status')!;
    const old = { ...beat, metadata: { ...beat.metadata, managedFields: status } } as KubeObject;
    const next = node(T2);
    const want = referenceManagedFieldsAfterUpdate(structuredClone(old), next, 'kubelet', 'Update', T2, resources.nodes, 'status');
    const statusOf = (o: KubeObject): JsonMap => ({ status: (o as unknown as JsonMap)['status'] });
    const got = restampedManagedFields(old, next, statusOf(old), statusOf(next), 'io.k8s.api.core.v1.Node', 'kubelet', 'Update', T2, resources.nodes, 'status');
    expect(got).not.toBeNull();
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    expect(got!.map((e) => e.time)).toEqual([T0, T2]);

    const lease = (renewTime: string): KubeObject =>
      ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime } }) as KubeObject;
    const created = lease(T0);
    created.metadata.managedFields = referenceManagedFieldsAfterUpdate(undefined, created, 'kubelet', 'Update', T0, resources.leases)!;
    const renewed = lease(T1);
    const renewal = restampedManagedFields(created, renewed, ownableContent(created), ownableContent(renewed), 'io.k8s.api.coordination.v1.Lease', 'kubelet', 'Update', T1, resources.leases, undefined);
    expect(renewal).not.toBeNull();
    expect(JSON.stringify(renewal)).toBe(JSON.stringify(referenceManagedFieldsAfterUpdate(structuredClone(created), renewed, 'kubelet', 'Update', T1, resources.leases)));
  });
});
