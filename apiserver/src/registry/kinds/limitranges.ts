// The LimitRanger admission plugin, for pods being created in a namespace with LimitRanges.
// 1. Defaults: a container (or init container) without a limit or request for a resource
//    gets the `default` / `defaultRequest` of each `Container` item, and the pod is
//    annotated `kubernetes.io/limit-ranger: LimitRanger plugin set: cpu, memory request for
//    container web; cpu limit for container web`.
// 2. Bounds: each container's requests and limits must lie within the `Container` items'
//    min and max, under maxLimitRequestRatio; the sum over the pod (an init container
//    counting when it asks for more than the rest) within the `Pod` items'. Any miss is a
//    403, `pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2`.
// Simplified: PersistentVolumeClaim items are not enforced, and pod overhead is not counted.
import { resources, tryParseQuantity } from '@kubesim/shared';
import type { KubeObject, LimitRangeItem, Quantity } from '@kubesim/shared';
import type { RegistryCore } from '../core.ts';
import { cachedObjects, podForbidden } from './admission-reads.ts';

type ResourceList = Record<string, string | number>;
interface ContainerLike {
  name?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}
interface PodLike {
  metadata: { annotations?: Record<string, string> };
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
}

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/** fill in what a container leaves unset; returns the annotation phrases */
function setContainerDefaults(c: ContainerLike, item: LimitRangeItem, prefix: string): string[] {
  const res = (c.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(item.default ?? {})) {
    const limits = (res.limits ??= {});
    if (!(k in limits)) {
      limits[k] = v;
      setLimits.push(k);
    }
  }
  for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
    const requests = (res.requests ??= {});
    if (!(k in requests)) {
      requests[k] = v;
      setRequests.push(k);
    }
  }
  const phrases: string[] = [];
  if (setRequests.length) phrases.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name ?? ''}`);
  if (setLimits.length) phrases.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name ?? ''}`);
  return phrases;
}

const parsed = (v: string | number | undefined): Quantity | undefined => (v === undefined ? undefined : tryParseQuantity(v));

/** Kubernetes' minConstraint, maxConstraint and limitRequestRatioConstraint for one resource */
function checkBounds(item: LimitRangeItem, kind: string, requests: ResourceList, limits: ResourceList): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(item.min ?? {})) {
    const min = parsed(v);
    if (!min) continue;
    const req = parsed(requests[k]);
    const lim = parsed(limits[k]);
    if (!req) errors.push(`minimum ${k} usage per ${kind} is ${min.toString()}.  No request is specified`);
    else if (req.cmp(min) < 0) errors.push(`minimum ${k} usage per ${kind} is ${min.toString()}, but request is ${req.toString()}`);
    else if (lim && lim.cmp(min) < 0) errors.push(`minimum ${k} usage per ${kind} is ${min.toString()}, but limit is ${lim.toString()}`);
  }
  for (const [k, v] of Object.entries(item.max ?? {})) {
    const max = parsed(v);
    if (!max) continue;
    const req = parsed(requests[k]);
    const lim = parsed(limits[k]);
    if (!lim) errors.push(`maximum ${k} usage per ${kind} is ${max.toString()}.  No limit is specified`);
    else if (lim.cmp(max) > 0) errors.push(`maximum ${k} usage per ${kind} is ${max.toString()}, but limit is ${lim.toString()}`);
    else if (req && req.cmp(max) > 0) errors.push(`maximum ${k} usage per ${kind} is ${max.toString()}, but request is ${req.toString()}`);
  }
  for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const ratio = parsed(v);
    if (!ratio) continue;
    const req = parsed(requests[k]);
    const lim = parsed(limits[k]);
    if (!req || req.isZero()) errors.push(`${k} max limit to request ratio per ${kind} is ${ratio.toString()}, but no request is specified or request is 0`);
    else if (!lim || lim.isZero()) errors.push(`${k} max limit to request ratio per ${kind} is ${ratio.toString()}, but no limit is specified or limit is 0`);
    else {
      const observed = lim.milliValue() / req.milliValue();
      if (observed * 1000 > ratio.milliValue()) errors.push(`${k} max limit to request ratio per ${kind} is ${ratio.toString()}, but provided ratio is ${observed.toFixed(6)}`);
    }
  }
  return errors;
}

/** the pod's total: the containers' sum, or an init container's own when it is larger */
function podTotal(pod: PodLike, field: 'requests' | 'limits'): ResourceList {
  const sum = new Map<string, Quantity>();
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const q = parsed(v);
      if (q) sum.set(k, sum.get(k)?.add(q) ?? q);
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const q = parsed(v);
      const have = sum.get(k);
      if (q && (!have || q.cmp(have) > 0)) sum.set(k, q);
    }
  }
  return Object.fromEntries([...sum].map(([k, q]) => [k, q.toString()]));
}

/**
 * Admit a pod being created: default its containers' resources from the namespace's
 * LimitRanges, then check them against their bounds (403 when outside). Returns whether
 * the pod was changed, so the caller validates it again.
 */
export function admitPodLimits(core: RegistryCore, pod: KubeObject, namespace: string, name: string): boolean {
  const ranges = [...cachedObjects(core, resources.limitranges, namespace)];
  if (!ranges.length) return false;
  const p = pod as unknown as PodLike;
  const phrases: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      for (const c of p.spec?.containers ?? []) phrases.push(...setContainerDefaults(c, item, 'container'));
      for (const c of p.spec?.initContainers ?? []) phrases.push(...setContainerDefaults(c, item, 'init container'));
    }
  }
  if (phrases.length) (p.metadata.annotations ??= {})[LIMIT_RANGER_ANNOTATION] = `LimitRanger plugin set: ${phrases.join('; ')}`;

  const errors: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type === 'Container') {
        for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) {
          errors.push(...checkBounds(item, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}));
        }
      } else if (item.type === 'Pod') {
        errors.push(...checkBounds(item, 'Pod', podTotal(p, 'requests'), podTotal(p, 'limits')));
      }
    }
  }
  if (errors.length) throw podForbidden(name, errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`);
  return phrases.length > 0;
}
