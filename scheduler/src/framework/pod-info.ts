// PodInfo: a pod plus everything the plugins would otherwise recompute per node — its
// requests (plain and non-zero), host ports, priority and parsed pod (anti-)affinity
// terms. Built once per pod object (objects are immutable, so a new version of a pod is
// a new PodInfo). `newPodInfo(pod, priority)`; `podKey(pod)` is `namespace/name`.
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

function collectHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const scan = (cs: readonly Container[]): void => {
    for (const c of cs) {
      for (const p of c.ports ?? []) {
        if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  };
  scan(pod.spec?.containers ?? []);
  scan(pod.spec?.initContainers ?? []);
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

export function hasAffinity(pi: PodInfo): boolean {
  const a = pi.pod.spec?.affinity;
  return !!(a && (a.podAffinity || a.podAntiAffinity));
}
