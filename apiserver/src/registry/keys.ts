// Where objects live in the store. One key per object:
//   /registry/<group or "core">/<resource>/<namespace>/<name>   namespaced kinds
//   /registry/<group or "core">/<resource>/<name>               cluster-scoped kinds
// e.g. /registry/apps/deployments/default/web. A store range over a prefix lists a
// resource in one namespace or in all of them, sorted by namespace then name, which is
// the order Kubernetes lists in and the order continue tokens walk.
import type { ResourceType } from '@kubesim/shared';

export const REGISTRY_ROOT = '/registry/';

export function resourcePrefix(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return `${REGISTRY_ROOT}${type.group || 'core'}/${type.resource}/`;
}

/** prefix for a list: one namespace when given (namespaced kinds), else all */
export function listPrefix(type: ResourceType, namespace: string | undefined): string {
  const base = resourcePrefix(type);
  return type.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  const base = resourcePrefix(type);
  return type.namespaced ? `${base}${namespace ?? ''}/${name}` : `${base}${name}`;
}

/** the resource prefix a key belongs to (`/registry/apps/deployments/`), or undefined */
export function prefixOfKey(key: string): string | undefined {
  if (!key.startsWith(REGISTRY_ROOT)) return undefined;
  const rest = key.slice(REGISTRY_ROOT.length);
  const a = rest.indexOf('/');
  if (a < 0) return undefined;
  const b = rest.indexOf('/', a + 1);
  if (b < 0) return undefined;
  return key.slice(0, REGISTRY_ROOT.length + b + 1);
}
