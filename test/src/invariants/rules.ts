// The scheduler's filters, restated plainly as an oracle for invariants (never the
// scheduler's own code): taints and tolerations, unschedulable nodes, nodeSelector and
// required node affinity, required pod anti-affinity (both ways), host ports, topology
// spread with whenUnsatisfiable DoNotSchedule, and resources. `whyNot(pod, node, state)`
// answers the first filter that rejects the node, or undefined when the pod fits.
// Simplified: pod affinity (required) is not checked; namespaceSelector means all
// namespaces; spread counts honour node affinity and ignore taints (the defaults).

import { labelSelectorAsSelector, podFitsNodeSelector, toleratesTaint } from '@kubesim/shared';
import type { Node, Pod, PodAffinityTerm, Taint, Toleration, TopologySpreadConstraint } from '@kubesim/shared';
import type { ClusterState } from '../view.ts';
import { allocatableOf, formatResource, isTerminating, podKey, podRequests } from './pods.ts';

export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** the first taint with one of `effects` the pod does not tolerate */
export function untoleratedTaint(pod: Pod, node: Node, effects: readonly string[] = ['NoSchedule', 'NoExecute']): Taint | undefined {
  return (node.spec?.taints ?? []).find((t) => effects.includes(t.effect) && !tolerates(pod.spec?.tolerations, t));
}

/** nodeSelector and required node affinity (shared's rules, which the scheduler does not use: it compiles its own) */
export function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  return podFitsNodeSelector(pod.spec, { name: node.metadata.name, labels: node.metadata.labels });
}

function termSelects(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  const ns = other.metadata.namespace ?? 'default';
  const namespaces = term.namespaces?.length ? term.namespaces : term.namespaceSelector ? undefined : [owner.metadata.namespace ?? 'default'];
  if (namespaces && !namespaces.includes(ns)) return false;
  if (!term.labelSelector) return false;
  return labelSelectorAsSelector(term.labelSelector).matches(other.metadata.labels ?? {});
}

const antiTerms = (p: Pod): PodAffinityTerm[] => (p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as PodAffinityTerm[];

/** a pod on a node sharing a topology domain that required anti-affinity forbids (either way) */
export function antiAffinityConflict(pod: Pod, node: Node, state: ClusterState): string | undefined {
  const labels = node.metadata.labels ?? {};
  for (const [otherNodeName, others] of state.podsByNode()) {
    const otherNode = state.node(otherNodeName);
    if (!otherNode) continue;
    const otherLabels = otherNode.metadata.labels ?? {};
    for (const other of others) {
      if (other.metadata.uid === pod.metadata.uid) continue;
      for (const t of antiTerms(pod)) {
        const v = labels[t.topologyKey];
        if (v !== undefined && otherLabels[t.topologyKey] === v && termSelects(t, pod, other)) return `anti-affinity (${t.topologyKey}=${v}) with ${podKey(other)}`;
      }
      for (const t of antiTerms(other)) {
        const v = otherLabels[t.topologyKey];
        if (v !== undefined && labels[t.topologyKey] === v && termSelects(t, other, pod)) return `${podKey(other)}'s anti-affinity (${t.topologyKey}=${v})`;
      }
    }
  }
  return undefined;
}

const hostPortsOf = (p: Pod): string[] =>
  (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((port) => port.hostPort).map((port) => `${port.hostIP || '0.0.0.0'}/${port.protocol ?? 'TCP'}/${port.hostPort}`));

export function hostPortConflict(pod: Pod, node: Node, state: ClusterState): string | undefined {
  const mine = hostPortsOf(pod);
  if (mine.length === 0) return undefined;
  for (const other of state.podsByNode().get(node.metadata.name ?? '') ?? []) {
    if (other.metadata.uid === pod.metadata.uid) continue;
    const clash = hostPortsOf(other).find((p) => mine.includes(p));
    if (clash) return `host port ${clash} used by ${podKey(other)}`;
  }
  return undefined;
}

function spreadSelects(c: TopologySpreadConstraint, pod: Pod, other: Pod): boolean {
  if ((other.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default') || !c.labelSelector) return false;
  const own = pod.metadata.labels ?? {};
  const labels = other.metadata.labels ?? {};
  for (const k of c.matchLabelKeys ?? []) if (own[k] !== undefined && labels[k] !== own[k]) return false;
  return labelSelectorAsSelector(c.labelSelector).matches(labels);
}

/** DoNotSchedule constraints that placing `pod` on `node` would break (pod itself not counted) */
export function spreadViolation(pod: Pod, node: Node, state: ClusterState): string | undefined {
  for (const c of (pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]) {
    if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
    const domain = node.metadata.labels?.[c.topologyKey];
    if (domain === undefined) return `node has no ${c.topologyKey} label (topology spread)`;
    const counts = new Map<string, number>();
    for (const n of state.nodes) {
      const v = n.metadata.labels?.[c.topologyKey];
      if (v === undefined) continue;
      if ((c.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !matchesNodeAffinity(pod, n)) continue;
      if (c.nodeTaintsPolicy === 'Honor' && untoleratedTaint(pod, n)) continue;
      let count = counts.get(v) ?? 0;
      for (const p of state.podsByNode().get(n.metadata.name ?? '') ?? []) if (p.metadata.uid !== pod.metadata.uid && !isTerminating(p) && spreadSelects(c, pod, p)) count++;
      counts.set(v, count);
    }
    if (!counts.has(domain)) counts.set(domain, 0);
    let min = Math.min(...counts.values());
    if (c.minDomains !== undefined && counts.size < c.minDomains) min = 0;
    const self = spreadSelects(c, pod, pod) ? 1 : 0;
    const skew = counts.get(domain)! + self - min;
    if (skew > c.maxSkew) return `topology spread on ${c.topologyKey}: skew ${skew} > maxSkew ${c.maxSkew} in ${domain} (counts ${JSON.stringify(Object.fromEntries([...counts].sort()))})`;
  }
  return undefined;
}

/** requests of `pod` plus `extra` pods fit next to what is bound to the node */
export function resourceShortage(pod: Pod, node: Node, state: ClusterState, extra: readonly Pod[] = []): string | undefined {
  const alloc = allocatableOf(node);
  const bound = (state.podsByNode().get(node.metadata.name ?? '') ?? []).filter((p) => p.metadata.uid !== pod.metadata.uid);
  const used = new Map<string, number>([['pods', bound.length + extra.length]]);
  for (const p of [...bound, ...extra]) for (const [k, v] of podRequests(p)) used.set(k, (used.get(k) ?? 0) + v);
  const want = podRequests(pod);
  want.set('pods', 1);
  for (const [k, v] of want) {
    if (v <= 0) continue;
    const cap = alloc.get(k) ?? 0;
    if ((used.get(k) ?? 0) + v > cap) return `insufficient ${k} (${formatResource(k, used.get(k) ?? 0)} used + ${formatResource(k, v)} > ${formatResource(k, cap)})`;
  }
  return undefined;
}

export interface FitOptions {
  /** check resources (default true) */
  resources?: boolean;
  /** pods whose resources count on this node too (e.g. nominated ones) */
  extra?: readonly Pod[];
}

/** the first filter that rejects `node` for `pod`, or undefined when it fits */
export function whyNot(pod: Pod, node: Node, state: ClusterState, opts: FitOptions = {}): string | undefined {
  if (pod.spec?.nodeName && pod.spec.nodeName !== node.metadata.name) return `pod names node ${pod.spec.nodeName}`;
  if (node.spec?.unschedulable && !tolerates(pod.spec?.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return 'node is unschedulable';
  const taint = untoleratedTaint(pod, node);
  if (taint) return `untolerated taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
  if (!matchesNodeAffinity(pod, node)) return 'node selector / required node affinity does not match';
  const r = (opts.resources !== false && resourceShortage(pod, node, state, opts.extra)) || hostPortConflict(pod, node, state) || antiAffinityConflict(pod, node, state) || spreadViolation(pod, node, state);
  return r || undefined;
}
