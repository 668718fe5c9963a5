import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNotFound, resources } from '@kubesim/shared';
import type { KubeObject, OwnerReference, PropagationPolicy, ResourceType } from '@kubesim/shared';
import { startGarbageCollectorController } from './controller.ts';
import { startTestCluster } from './test-cluster.ts';
import type { TestCluster } from './test-cluster.ts';

const NS = 'default';
let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
  await cluster.run(startGarbageCollectorController);
});
afterEach(async () => {
  await cluster.stop();
});

function ref(owner: KubeObject, opts: { block?: boolean; controller?: boolean } = {}): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? 'ConfigMap',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    ...(opts.block !== undefined ? { blockOwnerDeletion: opts.block } : {}),
    ...(opts.controller !== undefined ? { controller: opts.controller } : {}),
  };
}

function configMap(name: string, owners: OwnerReference[] = [], finalizers: string[] = []): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS, ...(owners.length ? { ownerReferences: owners } : {}), ...(finalizers.length ? { finalizers } : {}) },
    data: { k: name },
  } as KubeObject;
}

const create = (obj: KubeObject): Promise<KubeObject> => cluster.client.create(resources.configmaps, obj, { namespace: NS });

async function find(name: string, type: ResourceType = resources.configmaps, namespace: string | undefined = NS): Promise<KubeObject | undefined> {
  try {
    return await cluster.client.get(type, name, namespace ? { namespace } : {});
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const remove = (name: string, propagationPolicy: PropagationPolicy): Promise<unknown> => cluster.client.delete(resources.configmaps, name, { namespace: NS, propagationPolicy });

describe('garbage collector', () => {
  it('deletes a dependent in the background once its only owner is gone', async () => {
    const owner = await create(configMap('owner'));
    await create(configMap('child', [ref(owner)]));
    await cluster.settle();
    expect(await find('child')).toBeDefined();

    await remove('owner', 'Background');
    await cluster.settle();
    expect(await find('owner')).toBeUndefined();
    expect(await find('child')).toBeUndefined();
  });

  it('collects whole chains: the grandchild goes after the child', async () => {
    const a = await create(configMap('a'));
    const b = await create(configMap('b', [ref(a)]));
    await create(configMap('c', [ref(b)]));
    await cluster.settle();
    await remove('a', 'Background');
    await cluster.settle();
    expect(await find('b')).toBeUndefined();
    expect(await find('c')).toBeUndefined();
  });

  it('keeps a dependent that still has a live owner and drops the reference to the gone one', async () => {
    const a = await create(configMap('a'));
    const b = await create(configMap('b'));
    await create(configMap('child', [ref(a), ref(b)]));
    await cluster.settle();
    await remove('a', 'Background');
    await cluster.settle();
    const child = await find('child');
    expect(child?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['b']);
  });

  it('collects a dependent whose owner name now belongs to an object with another UID', async () => {
    const old = await create(configMap('owner'));
    await remove('owner', 'Orphan');
    await cluster.settle();
    await create(configMap('owner'));
    await create(configMap('child', [ref(old)]));
    await cluster.settle();
    expect(await find('owner')).toBeDefined();
    expect(await find('child')).toBeUndefined();
  });

  it('collects a dependent that points at an owner that never existed', async () => {
    await create(configMap('child', [{ apiVersion: 'v1', kind: 'Secret', name: 'ghost', uid: 'no-such-uid' }]));
    await cluster.settle();
    expect(await find('child')).toBeUndefined();
  });

  it('never collects a dependent whose owner is of a kind kubesim does not serve', async () => {
    await create(configMap('child', [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w-uid' }]));
    await cluster.settle();
    expect(await find('child')).toBeDefined();
  });

  it('in the foreground, keeps the owner until a blocking dependent is gone, then removes the finalizer', async () => {
    const owner = await create(configMap('owner'));
    // a finalizer of someone else's keeps the dependent around after its DELETE
    await create(configMap('child', [ref(owner, { block: true })], ['example.com/hold']));
    await cluster.settle();

    await remove('owner', 'Foreground');
    await cluster.settle();
    const waiting = await find('owner');
    expect(waiting?.metadata.deletionTimestamp).toBeDefined();
    expect(waiting?.metadata.finalizers).toEqual(['foregroundDeletion']);
    const child = await find('child');
    expect(child?.metadata.deletionTimestamp).toBeDefined();

    await cluster.client.update(resources.configmaps, { ...child!, metadata: { ...child!.metadata, finalizers: [] } }, { namespace: NS });
    await cluster.settle();
    expect(await find('child')).toBeUndefined();
    expect(await find('owner')).toBeUndefined();
  });

  it('in the foreground, does not wait for dependents without blockOwnerDeletion but still deletes them', async () => {
    const owner = await create(configMap('owner'));
    await create(configMap('child', [ref(owner, { block: false })], ['example.com/hold']));
    await cluster.settle();
    await remove('owner', 'Foreground');
    await cluster.settle();
    expect(await find('owner')).toBeUndefined();
    expect((await find('child'))?.metadata.deletionTimestamp).toBeDefined();
  });

  it('in the foreground, deletes the whole tree before the root goes', async () => {
    const root = await create(configMap('root'));
    const mid = await create(configMap('mid', [ref(root, { block: true })]));
    await create(configMap('leaf', [ref(mid, { block: true })], ['example.com/hold']));
    await cluster.settle();
    await remove('root', 'Foreground');
    await cluster.settle();
    // the leaf holds mid (deleting in the foreground itself), which holds root
    expect((await find('root'))?.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect((await find('mid'))?.metadata.finalizers).toEqual(['foregroundDeletion']);
    const leaf = (await find('leaf'))!;
    await cluster.client.update(resources.configmaps, { ...leaf, metadata: { ...leaf.metadata, finalizers: [] } }, { namespace: NS });
    await cluster.settle();
    expect(await find('leaf')).toBeUndefined();
    expect(await find('mid')).toBeUndefined();
    expect(await find('root')).toBeUndefined();
  });

  it('with Orphan, removes the owner reference from dependents and then the orphan finalizer', async () => {
    const owner = await create(configMap('owner'));
    const other = await create(configMap('other'));
    await create(configMap('only', [ref(owner)]));
    await create(configMap('shared', [ref(owner), ref(other)]));
    await cluster.settle();
    await remove('owner', 'Orphan');
    await cluster.settle();
    expect(await find('owner')).toBeUndefined();
    expect((await find('only'))?.metadata.ownerReferences).toBeUndefined();
    expect((await find('shared'))?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['other']);
  });

  it('collects a namespaced Lease whose cluster-scoped Node owner is deleted', async () => {
    const node = await cluster.client.create(resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as KubeObject);
    await cluster.client.create(
      resources.leases,
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [ref(node)] }, spec: { holderIdentity: 'n1' } } as KubeObject,
      { namespace: 'kube-node-lease' },
    );
    await cluster.settle();
    await cluster.client.delete(resources.nodes, 'n1');
    await cluster.settle();
    expect(await find('n1', resources.leases, 'kube-node-lease')).toBeUndefined();
  });

  it('in the foreground, waits for a gracefully terminating pod to be removed', async () => {
    const owner = await create(configMap('owner'));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: NS, ownerReferences: [ref(owner, { block: true, controller: true })] },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
    } as KubeObject;
    await cluster.client.create(resources.pods, pod, { namespace: NS });
    await cluster.settle();
    await remove('owner', 'Foreground');
    await cluster.settle();
    expect((await find('p', resources.pods))?.metadata.deletionTimestamp).toBeDefined();
    expect(await find('owner')).toBeDefined();
    // the kubelet finishes the pod
    await cluster.client.delete(resources.pods, 'p', { namespace: NS, gracePeriodSeconds: 0 });
    await cluster.settle();
    expect(await find('owner')).toBeUndefined();
  });
});
