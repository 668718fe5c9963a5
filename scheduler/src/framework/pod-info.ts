// PodInfo: a pod plus everything the plugins would otherwise recompute per node — its
// requests (plain and non-zero), host ports, priority and parsed pod (anti-)affinity
// terms. Built once per pod object (objects are immutable, so a new version of a pod is
// a new PodInfo; pod-info-update.ts carries over the parts a version did not change).
// `newPodInfo(pod, priority)`; `podKey(pod)` is `namespace/name`.
// Affinity terms follow Kubernetes: no `namespaces` and no `namespaceSelector` means the
// pod's own namespace; `matchLabelKeys`/`mismatchLabelKeys` add In/NotIn requirements
// with the incoming pod's own label values.

import type { Container, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../types.ts';
import { compileLabelSelector, matchNothing } from '../util/selectors.ts';
import type { LabelMatcher, Labels } from '../util/selectors.ts';
import { computePodRequests } from './resources.ts';
import type { Resource } from './resources.ts';

export interface AffinityTerm {
  /** namespaces listed (or the pod's own); matched in addition to nsSelector */
  namespaces: ReadonlySet<string>;
  /** undefined when the term has no namespaceSelector */
  nsSelector: LabelMatcher | undefined;
  selector: LabelMatcher;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly priority: number;
  readonly requests: Resource;
  readonly nonZeroRequests: Resource;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

/** priority as the scheduler sees it when no PriorityClass lookup is available */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

function withLabelKeys(base: LabelMatcher, term: PodAffinityTerm, own: Labels): LabelMatcher {
  const extra: Array<[string, string, boolean]> = [];
  for (const k of term.matchLabelKeys ?? []) if (own && Object.hasOwn(own, k)) extra.push([k, own[k]!, true]);
  for (const k of term.mismatchLabelKeys ?? []) if (own && Object.hasOwn(own, k)) extra.push([k, own[k]!, false]);
  if (extra.length === 0) return base;
  return (l) => {
    if (!base(l)) return false;
    for (const [k, v, eq] of extra) {
      const has = l !== undefined && Object.hasOwn(l, k) && l[k] === v;
      if (has !== eq) return false;
    }
    return true;
  };
}

export function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const ns = pod.metadata.namespace ?? 'default';
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(ns);
  const selector = term.labelSelector ? withLabelKeys(compileLabelSelector(term.labelSelector), term, pod.metadata.labels) : matchNothing;
  return {
    namespaces,
    nsSelector: term.namespaceSelector ? compileLabelSelector(term.namespaceSelector) : undefined,
    selector,
    topologyKey: term.topologyKey,
  };
}

function weighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
}

const EMPTY: readonly never[] = Object.freeze([]);

function scanHostPorts(cs: readonly Container[], out: HostPort[]): void {
  for (const c of cs) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
}

function collectHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  scanHostPorts(pod.spec?.containers ?? [], out);
  scanHostPorts(pod.spec?.initContainers ?? [], out);
  return out;
}

export function newPodInfo(pod: Pod, priority: number = podPriority(pod)): PodInfo {
  const aff = pod.spec?.affinity;
  const req = aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const anti = aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const ports = collectHostPorts(pod);
  return {
    pod,
    key: podKey(pod),
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    priority,
    requests: computePodRequests(pod, false),
    nonZeroRequests: computePodRequests(pod, true),
    hostPorts: ports.length ? ports : EMPTY,
    requiredAffinityTerms: req?.length ? req.map((t) => newAffinityTerm(pod, t)) : EMPTY,
    requiredAntiAffinityTerms: anti?.length ? anti.map((t) => newAffinityTerm(pod, t)) : EMPTY,
    preferredAffinityTerms: aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length
      ? weighted(pod, aff.podAffinity.preferredDuringSchedulingIgnoredDuringExecution)
      : EMPTY,
    preferredAntiAffinityTerms: aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length
      ? weighted(pod, aff.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution)
      : EMPTY,
  };
}

/** Does `candidate` fall under the term (namespace and labels)? */
export function podMatchesTerm(candidate: PodInfo, term: AffinityTerm, namespaceLabels: (ns: string) => Labels): boolean {
  if (!term.namespaces.has(candidate.namespace)) {
    if (!term.nsSelector || !term.nsSelector(namespaceLabels(candidate.namespace))) return false;
  }
  return term.selector(candidate.pod.metadata.labels);
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  if (ka.length !== (b ? Object.keys(b).length : 0)) return false;
  for (const k of ka) if (!b || !Object.hasOwn(b, k) || a![k] !== b[k]) return false;
  return true;
}

/**
 * Do two versions of one pod count the same on a node, for every plugin? Same identity,
 * priority, requests, host ports, labels, deletion mark and affinity; what else changes
 * between them (status, annotations) no plugin reads from a NodeInfo.
 */
export function sameContribution(a: PodInfo, b: PodInfo): boolean {
  if (a === b) return true;
  if (a.key !== b.key || a.uid !== b.uid || a.priority !== b.priority) return false;
  // (a PodInfo made by podInfoForUpdate shares its parts with the last one: checked first)
  if ((a.requests !== b.requests && !a.requests.equals(b.requests)) || (a.nonZeroRequests !== b.nonZeroRequests && !a.nonZeroRequests.equals(b.nonZeroRequests))) return false;
  const ma = a.pod.metadata;
  const mb = b.pod.metadata;
  if ((ma.deletionTimestamp ?? '') !== (mb.deletionTimestamp ?? '') || !sameLabels(ma.labels, mb.labels)) return false;
  if (a.hostPorts !== b.hostPorts && (a.hostPorts.length !== b.hostPorts.length || a.hostPorts.some((p, i) => p.ip !== b.hostPorts[i]!.ip || p.port !== b.hostPorts[i]!.port || p.protocol !== b.hostPorts[i]!.protocol))) return false;
  const aa = a.pod.spec?.affinity;
  const ab = b.pod.spec?.affinity;
  return aa === ab || (aa !== undefined && ab !== undefined && JSON.stringify(aa) === JSON.stringify(ab));
}

export function hasAffinity(pi: PodInfo): boolean {
  const a = pi.pod.spec?.affinity;
  return !!(a && (a.podAffinity || a.podAntiAffinity));
}
