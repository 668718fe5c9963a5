// RBAC kinds (pkg/registry/rbac): Roles, ClusterRoles and their bindings are stored and
// validated like any kind, but kubesim authorizes every request (auth/authorizer.ts), so
// nothing reads them, and the escalation checks Kubernetes makes on writes (you may only
// grant what you hold, unless you have `escalate` or `bind`) do not apply. Like
// kube-apiserver's bootstrap policy, a fresh cluster gets the `cluster-admin` ClusterRole
// bound to the group system:masters (which kubesim's admin token belongs to); the
// aggregated admin/edit/view roles and the system:* roles are not made.
import type { ClusterRole, ClusterRoleBinding } from '@kubesim/shared';

const bootstrapMeta = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
};

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', ...structuredClone(bootstrapMeta) },
      rules: [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ],
    },
  ];
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'cluster-admin', ...structuredClone(bootstrapMeta) },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    },
  ];
}
