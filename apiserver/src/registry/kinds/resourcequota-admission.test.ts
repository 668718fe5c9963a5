// The ResourceQuota admission: pods that would take a namespace over a quota, or that do
// not state what a quota counts, are refused with Kubernetes' messages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makeRegistry } from '../../test-helpers.ts';
import type { Registry } from '../registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

const quota = (name: string, hard: Record<string, string>, scopes?: string[]): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'default' }, spec: { hard, ...(scopes ? { scopes } : {}) } }) as KubeObject;
const pod = (name: string, res: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx', resources: res }] } }) as KubeObject;
const create = (p: KubeObject): Promise<unknown> => registry.create(resources.pods, p);

describe('ResourceQuota admission', () => {
  it('refuses the pod that would pass the pod count', async () => {
    await registry.create(resources.resourcequotas, quota('q1', { pods: '2' }));
    await create(pod('a'));
    await create(pod('b'));
    await expect(create(pod('c'))).rejects.toMatchObject({
      status: { code: 403, reason: 'Forbidden', message: 'pods "c" is forbidden: exceeded quota: q1, requested: pods=1, used: pods=2, limited: pods=2' },
    });
  });

  it('charges requests and limits, and names only what is exceeded', async () => {
    await registry.create(resources.resourcequotas, quota('compute', { 'requests.cpu': '1', 'limits.memory': '1Gi', pods: '10' }));
    const res = (cpu: string): Record<string, unknown> => ({ requests: { cpu }, limits: { memory: '256Mi' } });
    await create(pod('a', res('600m')));
    await expect(create(pod('b', res('500m')))).rejects.toMatchObject({
      status: { message: 'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1' },
    });
    await expect(create(pod('c', res('400m')))).resolves.toBeDefined();
  });

  it('asks every container to state what a compute quota counts', async () => {
    await registry.create(resources.resourcequotas, quota('compute', { 'limits.cpu': '2', 'requests.memory': '1Gi' }));
    await expect(create(pod('bare'))).rejects.toMatchObject({
      status: { code: 403, message: 'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: web; requests.memory for: web' },
    });
  });

  it('counts only the pods in the quota scopes', async () => {
    await registry.create(resources.resourcequotas, quota('besteffort', { pods: '1' }, ['BestEffort']));
    await create(pod('a'));
    await expect(create(pod('b', { requests: { cpu: '100m' } }))).resolves.toBeDefined();
    await expect(create(pod('c'))).rejects.toMatchObject({ status: { code: 403 } });
  });

  it('stops charging a pod once it has finished', async () => {
    await registry.create(resources.resourcequotas, quota('q1', { pods: '1' }));
    await create(pod('a'));
    await registry.patch(resources.pods, 'a', { status: { phase: 'Succeeded' } }, { namespace: 'default', type: 'merge', subresource: 'status' });
    await expect(create(pod('b'))).resolves.toBeDefined();
  });
});
