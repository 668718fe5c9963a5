// Kubernetes REST paths and query strings, as kubectl and client-go build them:
//   /api/v1/namespaces/{ns}/pods/{name}/status      core group
//   /apis/apps/v1/namespaces/{ns}/deployments       named groups
//   /api/v1/nodes/{name}                            cluster-scoped
// A namespaced resource without a namespace is the all-namespaces collection.

import type { ResourceType } from '../api/resources.ts';

export interface PathParts {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

export function resourcePath(type: Pick<ResourceType, 'group' | 'version' | 'resource' | 'namespaced'>, parts: PathParts = {}): string {
  let p = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  if (type.namespaced && parts.namespace) p += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  p += `/${type.resource}`;
  if (parts.name !== undefined) p += `/${encodeURIComponent(parts.name)}`;
  if (parts.subresource) p += `/${parts.subresource}`;
  return p;
}

export type QueryValue = string | number | boolean | undefined;

/** `?a=1&b=x` from the defined values, in the given order; '' when none */
export function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.append(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
