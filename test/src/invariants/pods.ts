// Pod facts as Kubernetes defines them, written out independently of the components under
// test (an invariant must not share the bug it looks for): a pod's effective requests
// (containers summed; sidecar init containers added; the largest regular init container
// if that is more; plus overhead), phases, readiness and availability (Ready for
// minReadySeconds, at the one-second granularity of lastTransitionTime), owners, ordinals.

import { parseQuantity } from '@kubesim/shared';
import type { KubeObject, Node, Pod } from '@kubesim/shared';

export type ResourceList = Map<string, number>;

type Requests = Record<string, string | number> | undefined;

// Invariants run at every step over every pod, and a cluster holds a handful of distinct
// quantities ("100m", "128Mi"): parse each once.
const parsedQuantities = new Map<string, number>();

/** cpu in millicores, everything else in base units (bytes, count) */
export function quantityOf(resource: string, q: string | number): number {
  const key = `${resource === 'cpu' ? 'm' : ''}${typeof q}:${q}`;
  let n = parsedQuantities.get(key);
  if (n === undefined) {
    const parsed = parseQuantity(q);
    n = resource === 'cpu' ? parsed.milliValue() : parsed.value();
    if (parsedQuantities.size >= 10_000) parsedQuantities.clear();
    parsedQuantities.set(key, n);
  }
  return n;
}

function addInto(into: ResourceList, reqs: Requests, sign = 1): void {
  for (const [k, v] of Object.entries(reqs ?? {})) into.set(k, (into.get(k) ?? 0) + sign * quantityOf(k, v));
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, v] of other) into.set(k, Math.max(into.get(k) ?? 0, v));
}

/** what the scheduler must reserve for the pod, without the implicit `pods: 1` */
export function podRequests(pod: Pod): ResourceList {
  const spec = pod.spec;
  const out: ResourceList = new Map();
  for (const c of spec?.containers ?? []) addInto(out, c.resources?.requests as Requests);
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const ic of spec?.initContainers ?? []) {
    const own: ResourceList = new Map();
    addInto(own, ic.resources?.requests as Requests);
    if ((ic as { restartPolicy?: string }).restartPolicy === 'Always') {
      for (const [k, v] of own) sidecars.set(k, (sidecars.get(k) ?? 0) + v);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = new Map(own);
      for (const [k, v] of sidecars) withSidecars.set(k, (withSidecars.get(k) ?? 0) + v);
      maxInto(initMax, withSidecars);
    }
  }
  for (const [k, v] of sidecars) out.set(k, (out.get(k) ?? 0) + v);
  maxInto(out, initMax);
  addInto(out, spec?.overhead as Requests);
  return out;
}

export function allocatableOf(node: Node): ResourceList {
  const out: ResourceList = new Map();
  addInto(out, node.status?.allocatable as Requests);
  return out;
}

export function formatResource(resource: string, v: number): string {
  if (resource === 'cpu') return `${v}m`;
  if (resource === 'memory' || resource.includes('storage')) return v % (1024 * 1024) === 0 ? `${v / (1024 * 1024)}Mi` : `${v}`;
  return String(v);
}

export const podKey = (p: KubeObject): string => `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`;

export function isTerminal(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function isTerminating(p: KubeObject): boolean {
  return p.metadata.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null;
}

/** not terminal and not being deleted: what controllers count as an active pod */
export function isActive(p: Pod): boolean {
  return !isTerminal(p) && !isTerminating(p);
}

export function isBound(p: Pod): boolean {
  return !!p.spec?.nodeName;
}

function readyCondition(p: Pod): { status: string; lastTransitionTime?: string | null | undefined } | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isReady(p: Pod): boolean {
  return readyCondition(p)?.status === 'True';
}

/** Ready for more than minReadySeconds at `now` (Kubernetes' podutil.IsPodAvailable: strictly
 *  after lastTransitionTime + minReadySeconds, at the timestamp's one-second precision) */
export function isAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : Number.NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now;
}

/** the controller owner of kind `kind`, as `namespace/name`, or undefined */
export function controllerKey(o: KubeObject, kind: string): string | undefined {
  const ref = controllerRefOf(o);
  return ref && ref.kind === kind ? `${o.metadata.namespace ?? 'default'}/${ref.name}` : undefined;
}

export function controllerUid(o: KubeObject): string | undefined {
  return controllerRefOf(o)?.uid;
}

/** the owner reference with controller: true, as stored (invariants run over every pod at
 *  every step: no copy, no closure) */
function controllerRefOf(o: KubeObject): { kind: string; name: string; uid: string } | undefined {
  const refs = o.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

/** a StatefulSet pod's ordinal (`web-3` → 3), or undefined */
export function ordinalOf(pod: Pod, setName: string): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

export function describePod(p: Pod): string {
  const flags = [p.status?.phase ?? 'Pending', isReady(p) ? 'Ready' : 'NotReady'];
  if (isTerminating(p)) flags.push('Terminating');
  return `${p.metadata.name}${p.spec?.nodeName ? `@${p.spec.nodeName}` : ''}(${flags.join(',')})`;
}
