// Stock kubectl against a whole `kubesim up` cluster for the RBAC kinds and ResourceQuota:
// the `create role|rolebinding|clusterrole|clusterrolebinding|quota` generators (protobuf
// bodies), `get` Tables incl. `-o wide`, `describe`, `delete`, and a quota whose
// status.used the controller-manager's resourcequota controller keeps as pods come and go.
// kubesim authorizes every request: the bindings grant nothing it did not already allow.

import { describe, expect, it } from 'vitest';
import { haveKubectl } from './cluster.ts';
import { useKubectlCluster } from './kubectl-session.ts';

describe.skipIf(!haveKubectl)('kubectl RBAC and quotas against kubesim up', () => {
  const k = useKubectlCluster();
  const { ok } = k;

  it('runs the create generators', async () => {
    expect(await ok('kubectl create role pod-reader --verb=get --verb=list --resource=pods')).toBe('role.rbac.authorization.k8s.io/pod-reader created\n');
    expect(await ok('kubectl create rolebinding read-pods --role=pod-reader --user=alice --serviceaccount=default:default')).toBe('rolebinding.rbac.authorization.k8s.io/read-pods created\n');
    expect(await ok('kubectl create clusterrole node-reader --verb=get,list --resource=nodes')).toBe('clusterrole.rbac.authorization.k8s.io/node-reader created\n');
    expect(await ok('kubectl create clusterrolebinding read-nodes --clusterrole=node-reader --group=ops')).toBe('clusterrolebinding.rbac.authorization.k8s.io/read-nodes created\n');
    expect(await ok('kubectl create quota pods-quota --hard=pods=10,requests.cpu=2')).toBe('resourcequota/pods-quota created\n');
  });

  it('prints them as kubectl prints a real cluster', async () => {
    expect(await ok('kubectl get roles')).toMatch(/^NAME\s+CREATED AT\npod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(await ok('kubectl get rolebindings -o wide')).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nread-pods\s+Role\/pod-reader\s+\S+\s+alice\s+default:default\n$/);
    expect(await ok('kubectl get clusterrolebinding read-nodes')).toMatch(/^NAME\s+ROLE\s+AGE\nread-nodes\s+ClusterRole\/node-reader\s+\S+\n$/);
    expect(await ok('kubectl get clusterroles')).toMatch(/^node-reader\s+\S+Z$/m);
    expect(await ok('kubectl describe rolebinding read-pods')).toMatch(/^\s+User\s+alice/m);
  });

  it('shows the quota used by the pods of its namespace', async () => {
    await ok('kubectl run quota-pod --image=nginx --overrides=\'{"spec":{"containers":[{"name":"quota-pod","image":"nginx","resources":{"requests":{"cpu":"250m"}}}]}}\'');
    const r = await k.cluster.eventually('kubectl get quota pods-quota', (res) => /pods: 1\/10, requests.cpu: 250m\/2/.test(res.stdout));
    expect(r.stdout).toMatch(/^NAME\s+AGE\s+REQUEST\s+LIMIT\npods-quota\s+\S+\s+pods: 1\/10, requests.cpu: 250m\/2\s*\n$/);
    await ok('kubectl delete pod quota-pod --wait=true');
    await k.cluster.eventually('kubectl get quota pods-quota', (res) => /pods: 0\/10, requests.cpu: 0\/2/.test(res.stdout));
    expect(await ok('kubectl describe quota pods-quota')).toMatch(/^pods\s+0\s+10$/m);
  }, 90_000);

  it('deletes them', async () => {
    expect(await ok('kubectl delete role pod-reader')).toBe('role.rbac.authorization.k8s.io "pod-reader" deleted\n');
    expect(await ok('kubectl delete rolebinding read-pods')).toBe('rolebinding.rbac.authorization.k8s.io "read-pods" deleted\n');
    expect(await ok('kubectl delete clusterrolebinding read-nodes')).toBe('clusterrolebinding.rbac.authorization.k8s.io "read-nodes" deleted\n');
    expect(await ok('kubectl delete clusterrole node-reader')).toBe('clusterrole.rbac.authorization.k8s.io "node-reader" deleted\n');
    expect(await ok('kubectl delete quota pods-quota')).toBe('resourcequota "pods-quota" deleted\n');
    const r = await k.cluster.run('kubectl get roles');
    expect(r.stderr).toBe('No resources found in default namespace.\n');
  });
});
