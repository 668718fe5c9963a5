// podInfoForUpdate(prev, pod, priority): the PodInfo of a pod's next version, equal to
// newPodInfo(pod, priority) but sharing prev's requests, host ports and affinity terms
// when nothing newPodInfo reads changed — namespace, name, uid, labels (matchLabelKeys),
// and the spec's containers, initContainers, overhead and affinity, compared as JSON.
// Most updates are status writes (kubelet) or the binding's nodeName: they carry over.

import type { Pod } from '../types.ts';
import { jsonEqual } from '../util/json-equal.ts';
import { newPodInfo } from './pod-info.ts';
import type { PodInfo } from './pod-info.ts';

/** Do the two versions agree on every field newPodInfo reads (priority aside)? */
export function samePodInfoInputs(a: Pod, b: Pod): boolean {
  const ma = a.metadata;
  const mb = b.metadata;
  if (ma.namespace !== mb.namespace || ma.name !== mb.name || ma.uid !== mb.uid || !jsonEqual(ma.labels, mb.labels)) return false;
  const sa = a.spec;
  const sb = b.spec;
  if (sa === sb) return true;
  if (!sa || !sb) return false;
  return jsonEqual(sa.containers, sb.containers) && jsonEqual(sa.initContainers, sb.initContainers) && jsonEqual(sa.overhead, sb.overhead) && jsonEqual(sa.affinity, sb.affinity);
}

/** `pod` is a newer version of `prev.pod`: its PodInfo, sharing prev's parts when they still hold */
export function podInfoForUpdate(prev: PodInfo, pod: Pod, priority: number): PodInfo {
  if (!samePodInfoInputs(prev.pod, pod)) return newPodInfo(pod, priority);
  // the same fields in the same order as newPodInfo's, so both have one object shape
  return {
    pod,
    key: prev.key,
    uid: prev.uid,
    namespace: prev.namespace,
    priority,
    requests: prev.requests,
    nonZeroRequests: prev.nonZeroRequests,
    hostPorts: prev.hostPorts,
    requiredAffinityTerms: prev.requiredAffinityTerms,
    requiredAntiAffinityTerms: prev.requiredAntiAffinityTerms,
    preferredAffinityTerms: prev.preferredAffinityTerms,
    preferredAntiAffinityTerms: prev.preferredAntiAffinityTerms,
  };
}
