import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNotFound, resources } from '@kubesim/shared';
import type { KubeObject, Namespace, ResourceType } from '@kubesim/shared';
import { startTestCluster } from '../garbagecollector/test-cluster.ts';
import type { TestCluster } from '../garbagecollector/test-cluster.ts';
import { startNamespaceController } from './controller.ts';

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
  await cluster.run(startNamespaceController);
  await cluster.client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as Namespace);
});
afterEach(async () => {
  await cluster.stop();
});

async function find<T extends KubeObject>(type: ResourceType<T>, name: string, namespace?: string): Promise<T | undefined> {
  try {
    return await cluster.client.get(type, name, namespace ? { namespace } : {});
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const configMap = (name: string, finalizers?: string[]): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team', ...(finalizers ? { finalizers } : {}) }, data: {} }) as KubeObject;

const runningPod = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } }) as KubeObject;

const condition = (ns: Namespace | undefined, type: string) => ns?.status?.conditions?.find((c) => c.type === type);

describe('namespace controller', () => {
  it('empties a deleted namespace, then removes the kubernetes finalizer so the apiserver deletes it', async () => {
    await cluster.client.create(resources.configmaps, configMap('settings'), { namespace: 'team' });
    await cluster.client.create(resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'team' } } as KubeObject, { namespace: 'team' });
    await cluster.client.delete(resources.namespaces, 'team');
    await cluster.settle();
    expect(await find(resources.configmaps, 'settings', 'team')).toBeUndefined();
    expect(await find(resources.secrets, 's', 'team')).toBeUndefined();
    expect(await find(resources.namespaces, 'team')).toBeUndefined();
  });

  it('leaves namespaces that are not being deleted alone', async () => {
    await cluster.client.create(resources.configmaps, configMap('settings'), { namespace: 'team' });
    await cluster.settle();
    expect(await find(resources.configmaps, 'settings', 'team')).toBeDefined();
    expect((await find(resources.namespaces, 'team'))?.status?.conditions).toBeUndefined();
  });

  it('waits for terminating pods, says so in NamespaceContentRemaining, and keeps the other content until they are gone', async () => {
    await cluster.client.create(resources.pods, runningPod('web'), { namespace: 'team' });
    await cluster.client.create(resources.configmaps, configMap('settings'), { namespace: 'team' });
    await cluster.client.delete(resources.namespaces, 'team');
    await cluster.settle();

    const ns = await find(resources.namespaces, 'team');
    expect(ns?.status?.phase).toBe('Terminating');
    expect(condition(ns, 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 1 resource instances' });
    expect(condition(ns, 'NamespaceDeletionDiscoveryFailure')).toMatchObject({ status: 'False', reason: 'ResourcesDiscovered' });
    expect((await find(resources.pods, 'web', 'team'))?.metadata.deletionTimestamp).toBeDefined();
    expect(await find(resources.configmaps, 'settings', 'team')).toBeDefined();

    // the kubelet finishes the pod; the controller's next look (after 30/2 + 1 s) finds it gone
    await cluster.client.delete(resources.pods, 'web', { namespace: 'team', gracePeriodSeconds: 0 });
    await cluster.advance(20_000);
    await cluster.settle();
    expect(await find(resources.configmaps, 'settings', 'team')).toBeUndefined();
    expect(await find(resources.namespaces, 'team')).toBeUndefined();
  });

  it('reports content held by finalizers and finishes once they are removed', async () => {
    await cluster.client.create(resources.configmaps, configMap('held', ['example.com/hold']), { namespace: 'team' });
    await cluster.client.delete(resources.namespaces, 'team');
    await cluster.settle();
    const ns = await find(resources.namespaces, 'team');
    expect(condition(ns, 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(condition(ns, 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: configmaps. has 1 resource instances');

    const held = (await find(resources.configmaps, 'held', 'team'))!;
    await cluster.client.update(resources.configmaps, { ...held, metadata: { ...held.metadata, finalizers: [] } }, { namespace: 'team' });
    await cluster.advance(9_000); // 15/2 + 1 s
    await cluster.settle();
    expect(await find(resources.namespaces, 'team')).toBeUndefined();
  });
});
