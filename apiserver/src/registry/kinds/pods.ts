// Pods: what the registry adds around storage (pkg/registry/core/pod/strategy.go and the
// admission plugins that touch every pod).
// - create: status starts as {phase: Pending, qosClass}; default tolerations for
//   not-ready/unreachable (300 s, DefaultTolerationSeconds admission); the `default`
//   service account (ServiceAccount admission; kubesim neither requires the account to
//   exist nor mounts its token); spec.priority from the PriorityClass (./priority.ts).
// - delete is graceful once the pod is on a node: deletionTimestamp = now + grace, and
//   the kubelet finishes with a grace-0 delete. Unbound or finished pods go at once.
// - pods/status: a status without qosClass keeps the stored one (keepPodQOSClass).
import { addDefaultTolerations } from '@kubesim/shared';
import type { Pod } from '@kubesim/shared';
import type { DeleteOptions, KubeObject } from '@kubesim/shared';
import { isPlainObject } from '../objects.ts';

interface ContainerLike {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
export interface PodLike extends KubeObject {
  spec?: {
    nodeName?: string;
    terminationGracePeriodSeconds?: number;
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
    tolerations?: Array<Record<string, unknown>>;
    serviceAccountName?: string;
    serviceAccount?: string;
    priorityClassName?: string;
    priority?: number;
    preemptionPolicy?: string;
  };
  status?: { phase?: string; qosClass?: string };
}

/** Kubernetes' QoS class: Guaranteed when every container's cpu and memory limits equal
 *  requests, BestEffort when nothing is requested or limited, else Burstable */
export function qosClassOf(pod: PodLike): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function preparePodForCreate(pod: PodLike): void {
  pod.status = { phase: 'Pending', qosClass: qosClassOf(pod) };
}

/** the pods/status strategy's PrepareForUpdate: the QoS class is set at create and never
 *  changes, so a status written without one (old kubelets drop it) keeps the stored one; a
 *  different one is left for validation to reject. `next.status` is replaced, not changed. */
export function keepPodQOSClass(next: KubeObject & Record<string, unknown>, old: PodLike): void {
  const qos = old.status?.qosClass;
  const status = next['status'];
  if (!qos || (status !== undefined && !isPlainObject(status))) return;
  const given = status?.['qosClass'];
  if (given !== undefined && given !== '' && given !== null) return;
  next['status'] = { ...status, qosClass: qos };
}

/** admission done on every pod create apart from priority: tolerations, service account */
export function admitPod(pod: PodLike): void {
  pod.spec ??= {};
  addDefaultTolerations(pod as unknown as Pod);
  if (!pod.spec.serviceAccountName) pod.spec.serviceAccountName = pod.spec.serviceAccount || 'default';
  pod.spec.serviceAccount = pod.spec.serviceAccountName;
}

/** seconds of grace for a DELETE of this pod (0 = remove now) */
export function podGracePeriod(pod: PodLike, opts: Pick<DeleteOptions, 'gracePeriodSeconds'>): number {
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  let grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (grace < 0) grace = 1;
  return grace;
}
