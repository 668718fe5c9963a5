// The bootstrap RBAC objects a fresh registry makes.
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

describe('RBAC bootstrap', () => {
  it('makes the cluster-admin ClusterRole and binds it to system:masters', async () => {
    const role = (await registry.get(resources.clusterroles, 'cluster-admin')) as KubeObject & { rules: unknown[] };
    expect(role.rules).toContainEqual({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    const binding = (await registry.get(resources.clusterrolebindings, 'cluster-admin')) as KubeObject & { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
  });
});
