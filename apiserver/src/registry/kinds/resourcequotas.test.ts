// The registry's rules for ResourceQuotas: status.hard follows spec.hard, status is a
// subresource.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject, ResourceQuota } from '@kubesim/shared';
import { makeRegistry } from '../../test-helpers.ts';
import type { Registry } from '../registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

const quota = (hard: Record<string, string>, status?: unknown): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard }, ...(status ? { status } : {}) }) as KubeObject;

describe('ResourceQuota in the registry', () => {
  it('copies spec.hard into status.hard on create, ignoring the status a client sends', async () => {
    const created = (await registry.create(resources.resourcequotas, quota({ pods: '10' }, { hard: { pods: '99' }, used: { pods: '5' } }))) as ResourceQuota;
    expect(created.status).toEqual({ hard: { pods: '10' } });
  });

  it('follows spec.hard on updates and keeps the used counts the controller wrote', async () => {
    await registry.create(resources.resourcequotas, quota({ pods: '10' }));
    await registry.patch(resources.resourcequotas, 'q', { status: { used: { pods: '2' } } }, { namespace: 'default', type: 'merge', subresource: 'status' });
    const { object } = await registry.patch(resources.resourcequotas, 'q', { spec: { hard: { pods: '20', 'requests.cpu': '2' } } }, { namespace: 'default', type: 'merge' });
    expect((object as ResourceQuota).status).toEqual({ hard: { pods: '20', 'requests.cpu': '2' }, used: { pods: '2' } });
  });

  it('refuses a quota on an unknown resource with Kubernetes causes, once per field', async () => {
    await expect(registry.create(resources.resourcequotas, quota({ 'limit.cpu': '1' }))).rejects.toMatchObject({
      status: { reason: 'Invalid', details: { causes: [{ field: 'spec.hard[limit.cpu]' }, { field: 'spec.hard[limit.cpu]' }] } },
    });
  });
});
