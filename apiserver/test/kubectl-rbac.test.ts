// Stock kubectl against kubesim for the RBAC kinds and ResourceQuota/LimitRange: the
// `create role|rolebinding|clusterrole|clusterrolebinding|quota` generators (protobuf
// bodies; `create role` also resolves its --resource flags through discovery), then
// `get` Tables (incl. `-o wide`), `describe`, `explain`, short names and `delete`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

describe.skipIf(!hasKubectl)('kubectl with roles, bindings and quotas', () => {
  let h: KubectlHarness;
  const ok = (args: string[]): Promise<string> => h.ok(args);
  const lines = (out: string): string[] => out.trimEnd().split('\n');

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([
    [['create', 'role', 'pod-reader', '--verb=get', '--verb=list', '--resource=pods'], 'role.rbac.authorization.k8s.io/pod-reader created'],
    [['create', 'role', 'deploy-scaler', '--verb=get,patch', '--resource=deployments.apps/scale', '--resource-name=web'], 'role.rbac.authorization.k8s.io/deploy-scaler created'],
    [['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=alice', '--user=bob', '--group=devs', '--serviceaccount=default:builder'], 'rolebinding.rbac.authorization.k8s.io/read-pods created'],
    [['create', 'clusterrole', 'node-reader', '--verb=get,list,watch', '--resource=nodes'], 'clusterrole.rbac.authorization.k8s.io/node-reader created'],
    [['create', 'clusterrole', 'health', '--verb=get', '--non-resource-url=/healthz'], 'clusterrole.rbac.authorization.k8s.io/health created'],
    [['create', 'clusterrolebinding', 'read-nodes', '--clusterrole=node-reader', '--group=ops', '--serviceaccount=kube-system:monitor'], 'clusterrolebinding.rbac.authorization.k8s.io/read-nodes created'],
    [['create', 'rolebinding', 'view-nodes', '--clusterrole=node-reader', '--user=carol'], 'rolebinding.rbac.authorization.k8s.io/view-nodes created'],
    [['create', 'quota', 'compute', '--hard=pods=10,requests.cpu=4,limits.memory=8Gi'], 'resourcequota/compute created'],
  ])('kubectl %j works', async (args, out) => {
    expect(await ok(args)).toBe(`${out}\n`);
  });

  it('stores what kubectl meant, with Kubernetes defaults', async () => {
    const role = (await h.registry.get(resources.roles, 'deploy-scaler', { namespace: 'default' })) as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([{ verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['web'] }]);
    const rb = (await h.registry.get(resources.rolebindings, 'read-pods', { namespace: 'default' })) as unknown as { subjects: unknown[]; roleRef: unknown };
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    expect(rb.subjects).toContainEqual({ kind: 'ServiceAccount', name: 'builder', namespace: 'default' });
    const quota = (await h.registry.get(resources.resourcequotas, 'compute', { namespace: 'default' })) as unknown as { status: unknown };
    expect(quota.status).toEqual({ hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' } });
  });

  it('prints roles with NAME and CREATED AT, bindings with their role and wide subjects', async () => {
    const roles = lines(await ok(['get', 'roles']));
    expect(roles[0]).toMatch(/^NAME\s+CREATED AT$/);
    expect(roles.slice(1).join('\n')).toMatch(/^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(lines(await ok(['get', 'roles', '-o', 'wide']))[0]).toMatch(/^NAME\s+CREATED AT$/);
    const rbs = lines(await ok(['get', 'rolebindings']));
    expect(rbs[0]).toMatch(/^NAME\s+ROLE\s+AGE$/);
    expect(rbs).toContainEqual(expect.stringMatching(/^read-pods\s+Role\/pod-reader\s+\d+s$/));
    expect(rbs).toContainEqual(expect.stringMatching(/^view-nodes\s+ClusterRole\/node-reader\s+\d+s$/));
    const wide = lines(await ok(['get', 'rolebinding', 'read-pods', '-o', 'wide']));
    expect(wide[0]).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/);
    expect(wide[1]).toMatch(/^read-pods\s+Role\/pod-reader\s+\d+s\s+alice, bob\s+devs\s+default:builder$/);
    const crbs = await ok(['get', 'clusterrolebindings', '-o', 'wide']);
    expect(crbs).toMatch(/^read-nodes\s+ClusterRole\/node-reader\s+\d+s\s+ops\s+kube-system:monitor$/m);
  });

  it('has the bootstrap cluster-admin role and binding', async () => {
    expect(await ok(['get', 'clusterroles'])).toMatch(/^cluster-admin\s+\S+Z$/m);
    expect(await ok(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide'])).toMatch(/cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters/);
  });

  it('prints quotas with REQUEST and LIMIT, and knows the short name quota', async () => {
    const out = lines(await ok(['get', 'quota']));
    expect(out[0]).toMatch(/^NAME\s+AGE\s+REQUEST\s+LIMIT$/);
    expect(out[1]).toMatch(/^compute\s+\d+s\s+pods: 0\/10, requests.cpu: 0\/4\s+limits.memory: 0\/8Gi$/);
  });

  it('describes a role, a binding and a quota', async () => {
    const role = await ok(['describe', 'role', 'pod-reader']);
    expect(role).toMatch(/^Name:\s+pod-reader$/m);
    expect(role).toMatch(/^\s+pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
    const rb = await ok(['describe', 'rolebinding', 'read-pods']);
    expect(rb).toMatch(/^\s+Kind:\s+Role$/m);
    expect(rb).toMatch(/^\s+User\s+alice\s*$/m);
    expect(rb).toMatch(/^\s+ServiceAccount\s+builder\s+default$/m);
    const quota = await ok(['describe', 'quota', 'compute']);
    expect(quota).toMatch(/^pods\s+0\s+10$/m);
    expect(quota).toMatch(/^limits.memory\s+0\s+8Gi$/m);
  });

  it('explains the kinds from the OpenAPI document', async () => {
    const out = await ok(['explain', 'role.rules']);
    expect(out).toMatch(/GROUP:\s+rbac.authorization.k8s.io/);
    expect(out).toMatch(/verbs\s+<\[\]string> -required-/);
    expect(await ok(['explain', 'role'])).toMatch(/rules\s+<\[\]PolicyRule>/);
    expect(await ok(['explain', 'clusterrolebinding'])).toMatch(/roleRef\s+<RoleRef> -required-/);
    expect(await ok(['explain', 'rolebinding.roleRef'])).toMatch(/kind\s+<string> -required-/);
    expect(await ok(['explain', 'resourcequota.spec'])).toMatch(/hard\s+<map\[string\]/);
  });

  it('creates a LimitRange from a manifest and lists it by its short name', async () => {
    const file = h.file('limits.yaml', 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults}\nspec:\n  limits:\n  - type: Container\n    max: {cpu: "2"}\n    min: {cpu: 100m}\n');
    expect(await ok(['create', '-f', file])).toBe('limitrange/defaults created\n');
    const out = lines(await ok(['get', 'limits']));
    expect(out[0]).toMatch(/^NAME\s+CREATED AT$/);
    const lr = JSON.parse(await ok(['get', 'limitrange', 'defaults', '-o', 'json'])) as { spec: { limits: Array<Record<string, unknown>> } };
    expect(lr.spec.limits[0]).toMatchObject({ default: { cpu: '2' }, defaultRequest: { cpu: '2' } });
  });

  it('refuses a role without verbs and a changed roleRef with Kubernetes messages', async () => {
    const bad = h.file('bad-role.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: bad}\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: []\n');
    const r = await h.kubectl(['create', '-f', bad]);
    expect(r.stderr).toContain('The Role "bad" is invalid: rules[0].verbs: Required value: verbs must contain at least one value');
    const patch = await h.kubectl(['patch', 'rolebinding', 'read-pods', '--type=merge', '-p', '{"roleRef":{"name":"other"}}']);
    expect(patch.code).toBe(1);
    expect(patch.stderr).toContain('cannot change roleRef');
  });

  it('deletes them', async () => {
    expect(await ok(['delete', 'role', 'pod-reader'])).toBe('role.rbac.authorization.k8s.io "pod-reader" deleted\n');
    expect(await ok(['delete', 'rolebinding', 'read-pods'])).toBe('rolebinding.rbac.authorization.k8s.io "read-pods" deleted\n');
    expect(await ok(['delete', 'clusterrole', 'node-reader'])).toBe('clusterrole.rbac.authorization.k8s.io "node-reader" deleted\n');
    expect(await ok(['delete', 'clusterrolebinding', 'read-nodes'])).toBe('clusterrolebinding.rbac.authorization.k8s.io "read-nodes" deleted\n');
    expect(await ok(['delete', 'quota', 'compute'])).toBe('resourcequota "compute" deleted\n');
    const gone = await h.kubectl(['get', 'role', 'pod-reader']);
    expect(gone.stderr).toContain('Error from server (NotFound): roles.rbac.authorization.k8s.io "pod-reader" not found');
  });
});
