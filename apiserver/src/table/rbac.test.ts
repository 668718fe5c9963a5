// Printers of the RBAC kinds, ResourceQuota and LimitRange (rbac.ts, quota.ts).
import { describe, expect, it } from 'vitest';
import { resources, type KubeObject, type ResourceType } from '@kubesim/shared';
import { toTable } from './index.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const obj = (name: string, rest: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'default', creationTimestamp: '2024-05-01T11:59:16Z' }, ...rest }) as KubeObject;
const table = (type: ResourceType, o: KubeObject) =>
  toTable(type, [o], { includeObject: 'None', now: NOW }) as { columnDefinitions: Array<{ name: string; type: string; priority: number }>; rows: Array<{ cells: unknown[] }> };
const headers = (type: ResourceType): string[] => table(type, obj('x')).columnDefinitions.map((c) => (c.priority ? `(${c.name.toUpperCase()})` : c.name.toUpperCase()));

describe('RBAC printers', () => {
  it('prints roles and cluster roles with their creation time, not an age', () => {
    for (const type of [resources.roles, resources.clusterroles]) {
      expect(headers(type)).toEqual(['NAME', 'CREATED AT']);
      expect(table(type, obj('pod-reader')).rows[0]!.cells).toEqual(['pod-reader', '2024-05-01T11:59:16Z']);
    }
    expect(table(resources.roles, obj('x')).columnDefinitions[1]!.type).toBe('date');
  });

  it('prints bindings as Kind/name of the role, with the subjects split by kind when wide', () => {
    const binding = obj('read-pods', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'devs' },
        { kind: 'User', name: 'bob' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      ],
    });
    for (const type of [resources.rolebindings, resources.clusterrolebindings]) {
      expect(headers(type)).toEqual(['NAME', 'ROLE', 'AGE', '(USERS)', '(GROUPS)', '(SERVICEACCOUNTS)']);
      expect(table(type, binding).rows[0]!.cells).toEqual(['read-pods', 'Role/pod-reader', '44s', 'alice, bob', 'devs', 'ci:builder']);
    }
  });

  it('prints a binding without subjects with empty subject cells', () => {
    const cells = table(resources.rolebindings, obj('lonely', { roleRef: { kind: 'ClusterRole', name: 'view' } })).rows[0]!.cells;
    expect(cells).toEqual(['lonely', 'ClusterRole/view', '44s', '', '', '']);
  });
});

describe('ResourceQuota and LimitRange printers', () => {
  it('splits limits.* into LIMIT and the rest into REQUEST, sorted, used/hard in canonical form', () => {
    expect(headers(resources.resourcequotas)).toEqual(['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    const quota = obj('compute', {
      status: {
        hard: { pods: '10', 'requests.cpu': '4000m', 'limits.memory': '8Gi', configmaps: 5 },
        used: { pods: '3', 'requests.cpu': '1500m' },
      },
    });
    expect(table(resources.resourcequotas, quota).rows[0]!.cells).toEqual(['compute', '44s', 'configmaps: 0/5, pods: 3/10, requests.cpu: 1500m/4', 'limits.memory: 0/8Gi']);
  });

  it('prints a quota without status with empty REQUEST and LIMIT', () => {
    expect(table(resources.resourcequotas, obj('new')).rows[0]!.cells).toEqual(['new', '44s', '', '']);
  });

  it('prints a LimitRange with its creation time', () => {
    expect(headers(resources.limitranges)).toEqual(['NAME', 'CREATED AT']);
    expect(table(resources.limitranges, obj('defaults')).rows[0]!.cells).toEqual(['defaults', '2024-05-01T11:59:16Z']);
  });
});
