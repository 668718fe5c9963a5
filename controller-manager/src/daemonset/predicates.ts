// Which nodes run a daemon pod (Kubernetes: daemon_controller.go NodeShouldRunDaemonPod and
// the predicates it borrows from the scheduler). A node must match the template's
// spec.nodeName (if set), nodeSelector and required node affinity, and every NoSchedule or
// NoExecute taint must be tolerated — by the template's tolerations plus the ones the
// controller adds to every daemon pod (addDaemonPodTolerations). The answer is two-fold:
// shouldRun (create a pod there) and shouldContinueRunning (keep an existing one): an
// untolerated NoSchedule taint stops new pods but not running ones; NoExecute stops both.
import { nodeSelectorTermMatches, podFitsNodeSelector, toleratesTaint } from '@kubesim/shared';
import type { Node, NodeSelectorTerm, PodSpec, Taint, Toleration } from '@kubesim/shared';

/** a term matches when all its expressions (labels) and fields (metadata.name) do; an empty term matches nothing */
export function nodeMatchesTerm(node: Node, term: NodeSelectorTerm): boolean {
  return nodeSelectorTermMatches(term, { name: node.metadata.name, labels: node.metadata.labels });
}

/** nodeSelector and required node affinity (terms are ORed) */
export function nodeMatchesPodAffinity(spec: PodSpec | undefined, node: Node): boolean {
  return podFitsNodeSelector(spec, { name: node.metadata.name, labels: node.metadata.labels });
}

export { toleratesTaint };

/** the first taint with one of `effects` that no toleration covers */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly string[]): Taint | undefined {
  return (taints ?? []).find((taint) => effects.includes(taint.effect) && !(tolerations ?? []).some((t) => toleratesTaint(t, taint)));
}

const NO_EXECUTE = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
const NO_SCHEDULE = ['node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable'];

/** the tolerations every daemon pod gets (Kubernetes: AddOrUpdateDaemonPodTolerations) */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const list = (spec.tolerations ??= []);
  const add = (key: string, effect: string): void => {
    if (!list.some((t) => t.key === key && t.operator === 'Exists' && t.effect === effect)) list.push({ key, operator: 'Exists', effect });
  };
  for (const key of NO_EXECUTE) add(key, 'NoExecute');
  for (const key of NO_SCHEDULE) add(key, 'NoSchedule');
  if (spec.hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
}

/** pin the pod to `nodeName` through required node affinity (Kubernetes: ReplaceDaemonSetPodNodeNameNodeAffinity) */
export function pinToNode(spec: PodSpec, nodeName: string): void {
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
}

/** the node a pinned (daemon) pod is meant for: spec.nodeName, else its matchFields affinity */
export function targetNodeOf(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  for (const term of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

export interface Eligibility {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, template: PodSpec | undefined): Eligibility {
  const spec = structuredClone(template ?? { containers: [] }) as PodSpec;
  addDaemonPodTolerations(spec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!nodeMatchesPodAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  if (findUntoleratedTaint(taints, spec.tolerations, ['NoExecute'])) return { shouldRun: false, shouldContinueRunning: false };
  if (findUntoleratedTaint(taints, spec.tolerations, ['NoSchedule'])) return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}
