// The controllers cache objects without metadata.managedFields (stripManagedFields) and
// build their updates from those copies. This checks the apiserver side of that bargain,
// as in Kubernetes: an update that carries no managedFields keeps the stored entries and
// only records the writer's own change.

import { describe, expect, it } from 'vitest';
import { Registry, createInProcessClient } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { allResources, realClock, resources, seededRandom, stripManagedFields } from '@kubesim/shared';
import type { ReplicaSet } from '@kubesim/shared';

async function cluster() {
  const registry = new Registry({ store: createMemoryStore({ clock: realClock }), clock: realClock, random: seededRandom(1), resources: allResources });
  await registry.start();
  return {
    admin: createInProcessClient(registry, { identity: 'system:admin' }),
    controller: createInProcessClient(registry, { identity: 'system:kube-controller-manager' }),
    stop: () => registry.stop(),
  };
}

const replicaSet: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};

describe('updates built from objects without managedFields', () => {
  it('a status update keeps the managers the stored object had', async () => {
    const c = await cluster();
    try {
      const created = await c.admin.create(resources.replicasets, replicaSet, { fieldManager: 'kubectl-create' });
      expect(created.metadata.managedFields?.map((m) => m.manager)).toEqual(['kubectl-create']);
      const cached = stripManagedFields(created);
      expect(cached.metadata.managedFields).toBeUndefined();
      const updated = await c.controller.update(resources.replicasets, { ...cached, status: { replicas: 1, observedGeneration: 1 } }, { subresource: 'status', fieldManager: 'kube-controller-manager' });
      const managers = updated.metadata.managedFields ?? [];
      expect(managers.map((m) => [m.manager, m.subresource ?? ''])).toEqual([
        ['kubectl-create', ''],
        ['kube-controller-manager', 'status'],
      ]);
      expect(managers[0]).toEqual(created.metadata.managedFields![0]);
    } finally {
      await c.stop();
    }
  });

  it('a whole-object update keeps them too, and adds the writer for what it changed', async () => {
    const c = await cluster();
    try {
      const created = await c.admin.create(resources.replicasets, replicaSet, { fieldManager: 'kubectl-create' });
      const cached = stripManagedFields(created);
      const updated = await c.controller.update(resources.replicasets, { ...cached, spec: { ...cached.spec!, replicas: 3 } }, { fieldManager: 'kube-controller-manager' });
      const managers = updated.metadata.managedFields ?? [];
      expect(managers.map((m) => m.manager)).toEqual(['kubectl-create', 'kube-controller-manager']);
      expect(JSON.stringify(managers[1]!.fieldsV1)).toContain('f:replicas');
      expect(JSON.stringify(managers[0]!.fieldsV1)).not.toContain('f:replicas');
    } finally {
      await c.stop();
    }
  });
});
