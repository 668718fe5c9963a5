// restampedManagedFields: the short way is taken where it should be (a Lease renewal, a
// node heartbeat beside other managers, a binding, a pod's first status and a status whose
// container changes state) and answers as the reference does, with the trees it changes
// made afresh. That it never answers differently is update-fields.test.ts's property.
import { describe, expect, it } from 'vitest';
import { deepFreeze, resources, type KubeObject } from '@kubesim/shared';
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

  it('follows a binding, a pod\'s first status and a container that starts, as the long way does', () => followPodWrites(false));

  it('follows them as well when each write\'s entries are frozen, as in process (canonical trees out of scope kept unchecked)', () => followPodWrites(true));
});

/** a pod's binding and status writes, each restamped and compared with the long way; with
 *  `freeze`, each write's entries are deep-frozen, as a stored state's are in process */
function followPodWrites(freeze: boolean): void {
  const statusOf = (o: KubeObject): JsonMap => ({ status: (o as unknown as JsonMap)['status'] });
  const pod = (more: JsonMap = {}, status?: JsonMap): KubeObject =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true }] },
      spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }], restartPolicy: 'Always', ...more },
      ...(status ? { status } : {}),
    }) as unknown as KubeObject;
  const condition = (type: string, status: string, at: string): JsonMap => ({ type, status, lastTransitionTime: at });
  const container = (state: JsonMap, ready: boolean): JsonMap => ({ name: 'app', image: 'nginx', ready, restartCount: 0, state });
  const pending = { phase: 'Pending', conditions: [condition('PodScheduled', 'True', T0)] };
  const starting = { phase: 'Pending', conditions: [condition('PodScheduled', 'True', T0), condition('Ready', 'False', T1)], containerStatuses: [container({ waiting: { reason: 'ContainerCreating' } }, false)] };
  const running = { phase: 'Running', conditions: [condition('PodScheduled', 'True', T0), condition('Ready', 'True', T2)], containerStatuses: [container({ running: { startedAt: T2 } }, true)], podIP: '10.244.0.5' };

  const created = pod();
  created.metadata.managedFields = referenceManagedFieldsAfterUpdate(undefined, created, 'kube-controller-manager', 'Update', T0, resources.pods)!;
  const writes: Array<[KubeObject, string, string | undefined]> = [
    [pod({ nodeName: 'n1' }, pending), 'kube-scheduler', 'binding'],
    [pod({ nodeName: 'n1' }, starting), 'kubelet', 'status'],
    [pod({ nodeName: 'n1' }, running), 'kubelet', 'status'],
  ];
  let old = { ...created, status: {} } as KubeObject;
  for (const [next, manager, subresource] of writes) {
    const content = subresource === 'status' ? statusOf : ownableContent;
    const got = restampedManagedFields(old, next, content(old), content(next), 'io.k8s.api.core.v1.Pod', manager, 'Update', T2, resources.pods, subresource);
    expect(got).not.toBeNull();
    expect(JSON.stringify(got)).toBe(JSON.stringify(referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(next), manager, 'Update', T2, resources.pods, subresource)));
    // an entry keeps its tree as it was, or has one that shares nothing with the old ones
    const oldTrees = (old.metadata.managedFields ?? []).map((e) => e.fieldsV1);
    const oldNodes = new Set<unknown>();
    for (const t of oldTrees) nodesOf(t, oldNodes);
    for (const e of got!) {
      if (oldTrees.includes(e.fieldsV1)) continue;
      const nodes = new Set<unknown>();
      nodesOf(e.fieldsV1, nodes);
      for (const n of nodes) expect(oldNodes.has(n)).toBe(false);
    }
    old = { ...next, metadata: { ...next.metadata, managedFields: freeze ? deepFreeze(got!) : got! } } as KubeObject;
  }
  expect(old.metadata.managedFields!.map((e) => e.manager)).toEqual(['kube-controller-manager', 'kube-scheduler', 'kubelet']);
}

/** every map of a FieldsV1 tree */
function nodesOf(v: unknown, out: Set<unknown>): void {
  if (v === null || typeof v !== 'object') return;
  out.add(v);
  for (const x of Object.values(v)) nodesOf(x, out);
}
