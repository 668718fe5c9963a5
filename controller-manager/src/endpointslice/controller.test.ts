import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { EndpointSlice } from '@kubesim/shared';
import { createPod, makeNode, makeService, ns, setPodStatus, startSliceTestCluster } from './test-cluster.ts';
import type { SliceTestCluster } from './test-cluster.ts';

const slicesOf = async (c: SliceTestCluster, svc: string): Promise<EndpointSlice[]> =>
  (await c.client.list(resources.endpointslices, { ...ns, labelSelector: `kubernetes.io/service-name=${svc}` })).items;

const endpointsOf = async (c: SliceTestCluster, svc: string): Promise<EndpointSlice['endpoints']> => (await slicesOf(c, svc)).flatMap((s) => s.endpoints);

const byPod = (eps: EndpointSlice['endpoints']): Record<string, EndpointSlice['endpoints'][number]['conditions']> =>
  Object.fromEntries(eps.map((e) => [e.targetRef?.name ?? '', e.conditions]));

describe('the EndpointSlice controller', () => {
  let c: SliceTestCluster;
  beforeEach(async () => {
    c = await startSliceTestCluster();
  });
  afterEach(async () => {
    await c.stop();
  });

  it('writes one IPv4 slice named <service>-<5 random>, labelled, owned by the service, with an endpoint per pod', async () => {
    await c.client.create(resources.nodes, makeNode('node-a', 'zone-1'));
    const svc = await c.client.create(resources.services, makeService('web', { labels: { tier: 'front' } }), ns);
    const p1 = await createPod(c.client, 'web-1', { ip: '10.244.1.1', nodeName: 'node-a' });
    await createPod(c.client, 'web-2', { ip: '10.244.1.2', nodeName: 'node-a' });
    await createPod(c.client, 'other', { app: 'other', ip: '10.244.1.3' });
    await c.settle();
    const slices = await slicesOf(c, 'web');
    expect(slices).toHaveLength(1);
    const s = slices[0]!;
    expect(s.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(s.metadata.labels).toEqual({ tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(s.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(s.endpoints.map((e) => e.addresses[0])).toEqual(['10.244.1.1', '10.244.1.2']);
    expect(s.endpoints[0]).toEqual({
      addresses: ['10.244.1.1'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-a',
      zone: 'zone-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata.uid },
    });
  });

  it('keeps one placeholder slice without ports or endpoints for a service that selects no pod', async () => {
    await c.client.create(resources.services, makeService('empty'), ns);
    await c.settle();
    const slices = await slicesOf(c, 'empty');
    expect(slices).toHaveLength(1);
    expect(slices[0]!.endpoints).toEqual([]);
    expect(slices[0]!.ports ?? []).toEqual([]);
    // the first pod turns the placeholder into the real slice: same object, no second slice
    await createPod(c.client, 'e-1', { app: 'empty' });
    await c.settle();
    const after = await slicesOf(c, 'empty');
    expect(after.map((s) => s.metadata.name)).toEqual([slices[0]!.metadata.name]);
    expect(after[0]!.endpoints).toHaveLength(1);
  });

  it('marks an unready pod not ready and not serving, and flips it within a second of the pod becoming Ready', async () => {
    const pod = await createPod(c.client, 'web-1', { ready: false });
    await c.client.create(resources.services, makeService('web'), ns);
    await c.settle();
    expect(byPod(await endpointsOf(c, 'web'))).toEqual({ 'web-1': { ready: false, serving: false, terminating: false } });
    await setPodStatus(c.client, pod, { ready: true });
    const took = await c.until(async () => byPod(await endpointsOf(c, 'web'))['web-1']?.ready === true);
    expect(took).toBeLessThan(1000);
  });

  // (a pod must be bound to a node to terminate gracefully: an unbound one is deleted at once)
  it('shows a terminating pod as serving and terminating but not ready, then drops it once deleted', async () => {
    await c.client.create(resources.nodes, makeNode('node-a'));
    await createPod(c.client, 'web-1', { nodeName: 'node-a' });
    await createPod(c.client, 'web-2', { nodeName: 'node-a' });
    await c.client.create(resources.services, makeService('web'), ns);
    await c.settle();
    await c.client.delete(resources.pods, 'web-1', { ...ns, gracePeriodSeconds: 30 });
    const took = await c.until(async () => byPod(await endpointsOf(c, 'web'))['web-1']?.terminating === true);
    expect(took).toBeLessThan(1000);
    expect(byPod(await endpointsOf(c, 'web'))).toEqual({
      'web-1': { ready: false, serving: true, terminating: true },
      'web-2': { ready: true, serving: true, terminating: false },
    });
    await c.client.delete(resources.pods, 'web-1', { ...ns, gracePeriodSeconds: 0 });
    await c.until(async () => (await endpointsOf(c, 'web')).length === 1);
  });

  it('counts every endpoint ready, even terminating ones, when the service publishes not-ready addresses', async () => {
    await c.client.create(resources.nodes, makeNode('node-a'));
    await createPod(c.client, 'web-1', { ready: false, nodeName: 'node-a' });
    await createPod(c.client, 'web-2', { nodeName: 'node-a' });
    await c.client.create(resources.services, makeService('web', { publishNotReadyAddresses: true }), ns);
    await c.client.delete(resources.pods, 'web-2', { ...ns, gracePeriodSeconds: 30 });
    await c.settle();
    expect(byPod(await endpointsOf(c, 'web'))).toEqual({
      'web-1': { ready: true, serving: false, terminating: false },
      'web-2': { ready: true, serving: true, terminating: true },
    });
  });

  it('resolves a named targetPort in each pod and groups pods that serve it on different numbers into different slices', async () => {
    await createPod(c.client, 'a-1', { ports: [{ name: 'http', containerPort: 8080 }] });
    await createPod(c.client, 'a-2', { ports: [{ name: 'http', containerPort: 8080 }] });
    await createPod(c.client, 'b-1', { ports: [{ name: 'http', containerPort: 9090 }] });
    await c.client.create(resources.services, makeService('web', { ports: [{ name: 'web', port: 80, targetPort: 'http' }] }), ns);
    await c.settle();
    const slices = await slicesOf(c, 'web');
    const summary = slices.map((s) => ({ port: s.ports?.[0]?.port, pods: s.endpoints.map((e) => e.targetRef?.name) })).sort((x, y) => (x.port ?? 0) - (y.port ?? 0));
    expect(summary).toEqual([
      { port: 8080, pods: ['a-1', 'a-2'] },
      { port: 9090, pods: ['b-1'] },
    ]);
    expect(slices[0]!.ports?.[0]).toMatchObject({ name: 'web', protocol: 'TCP' });
  });

  it('puts at most 100 endpoints in a slice', async () => {
    for (let i = 0; i < 230; i++) await createPod(c.client, `web-${String(i).padStart(3, '0')}`);
    await c.client.create(resources.services, makeService('web'), ns);
    await c.settle();
    const sizes = (await slicesOf(c, 'web')).map((s) => s.endpoints.length).sort((a, b) => b - a);
    expect(sizes).toEqual([100, 100, 30]);
    expect(new Set((await endpointsOf(c, 'web')).map((e) => e.targetRef?.name)).size).toBe(230);
  });

  it('leaves services without a selector, ExternalName services and the apiserver-managed kubernetes slice alone', async () => {
    await createPod(c.client, 'web-1');
    await c.client.create(resources.services, makeService('manual', { selector: undefined as never }), ns);
    await c.client.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } } }, ns);
    await c.settle();
    expect(await slicesOf(c, 'manual')).toEqual([]);
    expect(await slicesOf(c, 'ext')).toEqual([]);
    const all = (await c.client.list(resources.endpointslices, ns)).items;
    expect(all.filter((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io')).toEqual([]);
  });

  it('deletes the slices of a deleted service and puts back a slice someone else deleted', async () => {
    await createPod(c.client, 'web-1');
    await c.client.create(resources.services, makeService('web'), ns);
    await c.settle();
    const [first] = await slicesOf(c, 'web');
    await c.client.delete(resources.endpointslices, first!.metadata.name!, ns);
    await c.settle();
    const again = await slicesOf(c, 'web');
    expect(again).toHaveLength(1);
    expect(again[0]!.metadata.name).not.toBe(first!.metadata.name);
    await c.client.delete(resources.services, 'web', ns);
    await c.settle();
    expect(await slicesOf(c, 'web')).toEqual([]);
  });

  it('follows a pod whose labels stop matching, and leaves out a pod on an unknown node until the node appears', async () => {
    await createPod(c.client, 'web-1');
    await createPod(c.client, 'web-2', { nodeName: 'late-node' });
    await c.client.create(resources.services, makeService('web'), ns);
    await c.settle();
    expect(Object.keys(byPod(await endpointsOf(c, 'web')))).toEqual(['web-1']);
    await c.client.create(resources.nodes, makeNode('late-node', 'zone-9'));
    await c.until(async () => (await endpointsOf(c, 'web')).length === 2, 3000);
    expect((await endpointsOf(c, 'web')).find((e) => e.targetRef?.name === 'web-2')?.zone).toBe('zone-9');
    await c.client.patch(resources.pods, 'web-1', { metadata: { labels: { app: 'gone' } } }, { type: 'merge', ...ns });
    await c.until(async () => (await endpointsOf(c, 'web')).length === 1);
  });
});
