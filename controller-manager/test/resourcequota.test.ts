// The resourcequota controller in an in-process cluster: status.used follows the pods of
// the quota's namespace as they come, finish and go.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Pod, ResourceQuota } from '@kubesim/shared';
import { eventually, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const pod = (name: string, cpu: string): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu, memory: '64Mi' } } }] } }) as Pod;

const usedOf = async (): Promise<Record<string, string | number> | undefined> =>
  (await h.client.get<ResourceQuota>(resources.resourcequotas, 'compute', { namespace: 'default' })).status?.used;

describe('resourcequota controller', () => {
  it('counts the pods of its namespace and their requests, and forgets finished and deleted ones', async () => {
    await h.client.create(resources.resourcequotas, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '4', 'requests.memory': '1Gi' } } } as ResourceQuota);
    expect(await eventually(async () => (await usedOf())?.pods === '0' && usedOf())).toEqual({ pods: '0', 'requests.cpu': '0', 'requests.memory': '0' });

    await h.client.create(resources.pods, pod('a', '250m'));
    await h.client.create(resources.pods, pod('b', '1'));
    await h.client.create(resources.pods, { ...pod('elsewhere', '1'), metadata: { name: 'elsewhere', namespace: 'kube-system' } } as Pod);
    expect(await eventually(async () => (await usedOf())?.pods === '2' && usedOf())).toEqual({ pods: '2', 'requests.cpu': '1250m', 'requests.memory': '128Mi' });

    await h.client.delete(resources.pods, 'b', { namespace: 'default', gracePeriodSeconds: 0 });
    expect(await eventually(async () => (await usedOf())?.pods === '1' && usedOf())).toEqual({ pods: '1', 'requests.cpu': '250m', 'requests.memory': '64Mi' });
  });
});
