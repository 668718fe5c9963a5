// The authorization seam. Every request is checked with the attributes Kubernetes'
// authorizers see (user, verb, API group, resource, subresource, namespace, name, or a
// non-resource path). kubesim allows everything for now; RBAC will implement this
// interface. A denial becomes a 403 with Kubernetes' wording.
import { forbidden } from '@kubesim/shared';
import type { ApiError } from '@kubesim/shared';
import type { UserInfo } from '../registry/core.ts';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** for non-resource requests such as /healthz */
  path?: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): { allowed: boolean; reason?: string } | Promise<{ allowed: boolean; reason?: string }>;
}

export const allowAll: Authorizer = { authorize: () => ({ allowed: true }) };

export function denied(a: AuthorizationAttributes): ApiError {
  if (!a.resource) return forbidden(`forbidden: User "${a.user.username}" cannot ${a.verb} path "${a.path ?? ''}"`);
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const qualified = a.group ? `${res}.${a.group}` : res;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  const named = a.name ? `${qualified} "${a.name}"` : qualified;
  return forbidden(`${named} is forbidden: User "${a.user.username}" cannot ${a.verb} resource "${res}" in API group "${a.group ?? ''}"${where}`);
}
