// Namespaces (pkg/registry/core/namespace and the NamespaceLifecycle admission plugin).
// - create: status.phase Active, spec.finalizers ["kubernetes"].
// - delete: the first DELETE only marks it: deletionTimestamp, status.phase Terminating.
//   The namespace controller empties it, removes "kubernetes" through the `finalize`
//   subresource, and the namespace is removed once no finalizer is left.
// - creates into a Terminating namespace are refused (403), into a missing one 404;
//   default, kube-system and kube-public can never be deleted.
import { failure, forbidden, qualifiedResource } from '@kubesim/shared';
import type { ApiError, KubeObject } from '@kubesim/shared';

export interface NamespaceLike extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
}

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function prepareNamespaceForCreate(ns: NamespaceLike): void {
  ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
  ns.status = { phase: 'Active' };
}

export function namespaceNotFound(name: string): ApiError {
  return failure(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' });
}

export function namespaceTerminating(resource: string, group: string, name: string, namespace: string): ApiError {
  const err = failure(403, 'Forbidden', `${qualifiedResource(resource, group)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
    name,
    group,
    kind: resource,
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
  });
  return err;
}

export function immortalNamespace(name: string): ApiError {
  const err = forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
  err.status.details = { name, kind: 'namespaces' };
  return err;
}

export function isTerminating(ns: NamespaceLike): boolean {
  return ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp !== undefined;
}

/** the namespace can go away now: terminating with no finalizer of either kind left */
export function namespaceCanBeRemoved(ns: NamespaceLike): boolean {
  return ns.metadata.deletionTimestamp !== undefined && !(ns.spec?.finalizers?.length) && !(ns.metadata.finalizers?.length);
}
