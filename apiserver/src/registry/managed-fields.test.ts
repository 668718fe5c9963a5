// managedFields on ordinary writes through the Registry and the in-process Client, and
// fieldValidation on writes (Strict refuses, Warn warns, every mode prunes).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makeConfigMap, makeDeployment, makeRegistry } from '../test-helpers.ts';
import { createInProcessClient } from './in-process-client.ts';
import type { Registry } from './registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

const managers = (o: KubeObject): string[] => (o.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`);

describe('managedFields of ordinary writes', () => {
  it('names the manager by fieldManager, else by the User-Agent up to its first slash', async () => {
    const a = await registry.create(resources.configmaps, makeConfigMap('a', { k: 'v' }), { fieldManager: 'kubectl-create', userAgent: 'kubectl/v1.32.4 (linux/amd64)' });
    const b = await registry.create(resources.configmaps, makeConfigMap('b', { k: 'v' }), { userAgent: 'kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07' });
    expect([managers(a), managers(b)]).toEqual([['kubectl-create/Update'], ['kubectl/Update']]);
  });

  it('names in-process writers after the component their identity belongs to', async () => {
    const cm = createInProcessClient(registry, { identity: 'system:kube-controller-manager' });
    const kubelet = createInProcessClient(registry, { identity: 'system:node:n1' });
    const d = await cm.create(resources.deployments, makeDeployment('web') as never);
    const status = await kubelet.updateSubresource<KubeObject>(resources.deployments, 'web', 'status', { ...d, status: { replicas: 1 } }, { namespace: 'default' });
    expect(managers(status)).toEqual(['kube-controller-manager/Update', 'kubelet/Update/status']);
    expect(status.metadata.managedFields![1]!.fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
  });

  it('moves a changed field to its new writer and keeps everything on a write that changes nothing', async () => {
    const created = await registry.create(resources.deployments, makeDeployment('web', 1), { fieldManager: 'creator' });
    const scaled = await registry.patch(resources.deployments, 'web', { spec: { replicas: 3 } }, { type: 'merge', namespace: 'default', fieldManager: 'scaler' });
    expect(managers(scaled.object)).toEqual(['creator/Update', 'scaler/Update']);
    expect(JSON.stringify(scaled.object.metadata.managedFields![0]!.fieldsV1)).not.toContain('f:replicas');
    const again = await registry.patch(resources.deployments, 'web', { spec: { replicas: 3 } }, { type: 'merge', namespace: 'default', fieldManager: 'other' });
    expect(again.object).toEqual(scaled.object);
    expect(created.metadata.managedFields![0]!.time).toBeDefined();
  });
});

describe('fieldValidation', () => {
  const withUnknown = () => ({ ...makeConfigMap('x'), extra: 1, metadata: { name: 'x', namespace: 'default', bogus: true } }) as unknown as KubeObject;

  it('refuses unknown fields under Strict with every path', async () => {
    await expect(registry.create(resources.configmaps, withUnknown(), { fieldValidation: 'Strict' })).rejects.toThrow(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogus", unknown field "extra"',
    );
  });

  it('warns under Warn (the default), stays quiet under Ignore, and prunes in both', async () => {
    const warnings: string[] = [];
    const created = await registry.create(resources.configmaps, withUnknown(), { warnings });
    expect(warnings).toEqual(['299 - "unknown field \\"metadata.bogus\\""', '299 - "unknown field \\"extra\\""']);
    expect(created).not.toHaveProperty('extra');
    const quiet: string[] = [];
    const patched = await registry.patch(resources.configmaps, 'x', { more: 2 }, { type: 'merge', namespace: 'default', fieldValidation: 'Ignore', warnings: quiet });
    expect([quiet, 'more' in patched.object]).toEqual([[], false]);
  });
});
