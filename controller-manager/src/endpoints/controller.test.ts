import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNotFound, resources } from '@kubesim/shared';
import type { Endpoints } from '@kubesim/shared';
import { createPod, makeNode, makeService, ns, setPodStatus, startSliceTestCluster } from '../endpointslice/test-cluster.ts';
import type { SliceTestCluster } from '../endpointslice/test-cluster.ts';

const getEndpoints = async (c: SliceTestCluster, name: string): Promise<Endpoints | undefined> => {
  try {
    return await c.client.get(resources.endpoints, name, ns);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};
const podsIn = (addrs: NonNullable<Endpoints['subsets']>[number]['addresses']): string[] => (addrs ?? []).map((a) => a.targetRef?.name ?? '');

describe('the Endpoints controller', () => {
  let c: SliceTestCluster;
  beforeEach(async () => {
    c = await startSliceTestCluster();
    await c.client.create(resources.nodes, makeNode('node-a'));
  });
  afterEach(async () => {
    await c.stop();
  });

  it('writes an Endpoints object named after the service with ready and not-ready addresses', async () => {
    await c.client.create(resources.services, makeService('web', { labels: { tier: 'front' } }), ns);
    const p1 = await createPod(c.client, 'web-1', { ip: '10.244.1.2', nodeName: 'node-a' });
    await createPod(c.client, 'web-2', { ip: '10.244.1.10', nodeName: 'node-a', ready: false });
    await c.settle();
    const ep = await getEndpoints(c, 'web');
    expect(ep?.metadata.labels).toEqual({ tier: 'front' });
    expect(ep?.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.1.2', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata.uid } }],
        notReadyAddresses: [expect.objectContaining({ ip: '10.244.1.10' })],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('moves a pod between addresses and notReadyAddresses within a second of its readiness changing', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    const pod = await createPod(c.client, 'web-1', { nodeName: 'node-a' });
    await c.settle();
    expect(podsIn((await getEndpoints(c, 'web'))?.subsets?.[0]?.addresses)).toEqual(['web-1']);
    await setPodStatus(c.client, pod, { ready: false });
    const took = await c.until(async () => podsIn((await getEndpoints(c, 'web'))?.subsets?.[0]?.notReadyAddresses).includes('web-1'));
    expect(took).toBeLessThan(1000);
  });

  it('leaves a terminating pod out, unless the service publishes not-ready addresses', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await c.client.create(resources.services, makeService('all', { selector: { app: 'web' }, publishNotReadyAddresses: true }), ns);
    await createPod(c.client, 'web-1', { nodeName: 'node-a' });
    await createPod(c.client, 'web-2', { nodeName: 'node-a', ready: false });
    await c.client.delete(resources.pods, 'web-1', { ...ns, gracePeriodSeconds: 30 });
    await c.settle();
    const web = await getEndpoints(c, 'web');
    expect(podsIn(web?.subsets?.[0]?.addresses)).toEqual([]);
    expect(podsIn(web?.subsets?.[0]?.notReadyAddresses)).toEqual(['web-2']);
    const all = await getEndpoints(c, 'all');
    expect(podsIn(all?.subsets?.[0]?.addresses).sort()).toEqual(['web-1', 'web-2']);
  });

  it('packs pods that serve the same named ports into one subset, and pods that serve other numbers into another', async () => {
    await c.client.create(resources.services, makeService('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 9100 }] }), ns);
    await createPod(c.client, 'a-1', { nodeName: 'node-a', ports: [{ name: 'http', containerPort: 8080 }] });
    await createPod(c.client, 'a-2', { nodeName: 'node-a', ports: [{ name: 'http', containerPort: 8080 }] });
    await createPod(c.client, 'b-1', { nodeName: 'node-a', ports: [{ name: 'http', containerPort: 9000 }] });
    await createPod(c.client, 'c-1', { nodeName: 'node-a' });
    await c.settle();
    const subsets = (await getEndpoints(c, 'web'))?.subsets ?? [];
    const summary = subsets.map((s) => ({ ports: (s.ports ?? []).map((p) => `${p.name}:${p.port}`), pods: podsIn(s.addresses).sort() }));
    expect(summary).toEqual([
      { ports: ['http:8080', 'metrics:9100'], pods: ['a-1', 'a-2'] },
      { ports: ['http:9000', 'metrics:9100'], pods: ['b-1'] },
      { ports: ['metrics:9100'], pods: ['c-1'] },
    ]);
  });

  it('deletes the Endpoints of a deleted service and never writes those of a service without a selector', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await createPod(c.client, 'web-1', { nodeName: 'node-a' });
    await c.settle();
    expect(await getEndpoints(c, 'web')).toBeDefined();
    await c.client.delete(resources.services, 'web', ns);
    await c.settle();
    expect(await getEndpoints(c, 'web')).toBeUndefined();
    await c.client.create(resources.services, makeService('manual', { selector: undefined as never }), ns);
    await c.settle();
    expect(await getEndpoints(c, 'manual')).toBeUndefined();
  });
});
