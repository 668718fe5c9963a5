// What every write shares: the write context, type-meta and name checks against the URL,
// admission steps that read other objects (namespace lifecycle, pod priority), and the
// validation call that turns causes into a 422.
import { badRequest, invalid } from '@kubesim/shared';
import type { KubeObject, StatusCause } from '@kubesim/shared';
import type { RegistryCore, ResourceInfo, UserInfo } from './core.ts';
import { resources } from '@kubesim/shared';
import { isTerminating, namespaceNotFound, namespaceTerminating } from './kinds/namespaces.ts';
import type { NamespaceLike } from './kinds/namespaces.ts';
import { BUILTIN_PRIORITY_CLASSES } from './kinds/pods.ts';
import { isPlainObject } from './objects.ts';

export interface WriteContext {
  dryRun?: boolean;
  fieldManager?: string;
  user?: UserInfo;
}

/** apiVersion/kind in a body must be those of the URL's resource (either may be absent) */
export function checkTypeMeta(info: ResourceInfo, obj: unknown): asserts obj is KubeObject {
  if (!isPlainObject(obj)) throw badRequest('Object in body is not a JSON object');
  const av = obj['apiVersion'];
  const kind = obj['kind'];
  if (av !== undefined && av !== '' && av !== info.apiVersion) {
    throw badRequest(`the API version in the data (${String(av)}) does not match the expected API version (${info.apiVersion})`);
  }
  if (kind !== undefined && kind !== '' && kind !== info.type.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${info.type.kind})`);
  }
  if (obj['metadata'] === undefined || obj['metadata'] === null) obj['metadata'] = {};
  if (!isPlainObject(obj['metadata'])) throw badRequest('metadata: Invalid value: must be an object');
}

export function checkNamespaceMatches(obj: KubeObject, namespace: string | undefined, namespaced: boolean): void {
  if (!namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace!;
}

export function throwIfInvalid(info: ResourceInfo, name: string, causes: StatusCause[]): void {
  if (causes.length) throw invalid(info.type.kind, info.type.group, name, causes);
}

/** NamespaceLifecycle: a create into a missing (404) or terminating (403) namespace is refused */
export async function admitNamespace(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, name: string): Promise<void> {
  if (!info.type.namespaced || !namespace) return;
  const nsInfo = core.info(resources.namespaces);
  const ns = await core.readCurrent(nsInfo, undefined, namespace);
  if (!ns) throw namespaceNotFound(namespace);
  if (isTerminating(ns.obj as NamespaceLike)) throw namespaceTerminating(info.type.resource, info.type.group, name, namespace);
}

/** a PriorityClass's value, for pod admission (built-in classes need no object) */
export async function priorityClassLookup(core: RegistryCore, className: string): Promise<{ value: number; preemptionPolicy?: string } | undefined> {
  const builtin = BUILTIN_PRIORITY_CLASSES[className];
  const pc = await core.readCurrent(core.info(resources.priorityclasses), undefined, className);
  if (pc) {
    const o = pc.obj as KubeObject & { value?: number; preemptionPolicy?: string };
    const r: { value: number; preemptionPolicy?: string } = { value: o.value ?? 0 };
    if (o.preemptionPolicy) r.preemptionPolicy = o.preemptionPolicy;
    return r;
  }
  return builtin !== undefined ? { value: builtin } : undefined;
}

/** spec-and-friends: everything but metadata and status (a change bumps generation) */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj as KubeObject & Record<string, unknown>;
  void _m;
  void _s;
  void _a;
  void _k;
  return rest;
}
