// DaemonSet placement. Which nodes should run a daemon pod: the template's nodeSelector and
// required node affinity match, and every NoSchedule/NoExecute taint is tolerated — with
// the tolerations the DaemonSet controller adds to every daemon pod (not-ready and
// unreachable NoExecute; disk/memory/pid pressure and unschedulable NoSchedule).
//   oneDaemonPodPerNode — safety, every step: at most one active daemon pod per node
//     (two while a RollingUpdate with maxSurge > 0 replaces it);
//   daemonSetIncomplete — liveness: exactly one available pod on each eligible node, none
//     on other nodes, status counts agree.
// A daemon pod's node is spec.nodeName, or before binding its node-affinity metadata.name.

import type { DaemonSet, Node, Pod, Toleration } from '@kubesim/shared';
import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { controllerUid, describePod, isActive, isAvailable } from './pods.ts';
import { matchesNodeAffinity, untoleratedTaint } from './rules.ts';
import { resolveIntOrPercent } from './rollout.ts';

export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** does this node qualify for one of the DaemonSet's pods? */
export function shouldRunDaemonPod(ds: DaemonSet, node: Node): boolean {
  if (node.metadata.deletionTimestamp) return false;
  const pod = { metadata: { ...ds.spec.template.metadata, name: 'probe' }, spec: { ...ds.spec.template.spec, tolerations: [...(ds.spec.template.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS] } } as Pod;
  return matchesNodeAffinity(pod, node) && !untoleratedTaint(pod, node);
}

/** the node a daemon pod is for */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = t.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In');
    if (f?.values?.[0]) return f.values[0];
  }
  return undefined;
}

export function daemonPods(state: ClusterState, ds: DaemonSet): Pod[] {
  return state.pods.filter((p) => p.metadata.namespace === ds.metadata.namespace && controllerUid(p) === ds.metadata.uid);
}

function byNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = daemonPodNode(p);
    if (!n) continue;
    let l = m.get(n);
    if (!l) m.set(n, (l = []));
    l.push(p);
  }
  return m;
}

export function oneDaemonPodPerNode(): Invariant {
  return {
    name: 'one-daemon-pod-per-node',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const ds of state.daemonSets) {
        const ru = ds.spec.updateStrategy?.type !== 'OnDelete' ? ds.spec.updateStrategy?.rollingUpdate : undefined;
        const surge = resolveIntOrPercent(ru?.maxSurge, state.nodes.length, true) > 0;
        for (const [node, pods] of byNode(daemonPods(state, ds).filter(isActive))) {
          if (pods.length > (surge ? 2 : 1)) out.push(`daemonset ${ds.metadata.namespace}/${ds.metadata.name}: ${pods.length} active pods for node ${node}: ${pods.map(describePod).join(', ')}`);
        }
      }
      return out;
    },
  };
}

export function daemonSetIncomplete(state: ClusterState, namespace: string, name: string): string[] {
  const ds = state.daemonSets.find((d) => d.metadata.namespace === namespace && d.metadata.name === name);
  if (!ds) return [`daemonset ${namespace}/${name} not found`];
  const out: string[] = [];
  const pods = byNode(daemonPods(state, ds).filter(isActive));
  const minReady = ds.spec.minReadySeconds ?? 0;
  let eligible = 0;
  for (const node of state.nodes) {
    const n = node.metadata.name ?? '';
    const here = pods.get(n) ?? [];
    pods.delete(n);
    if (shouldRunDaemonPod(ds, node)) {
      eligible++;
      if (here.length !== 1) out.push(`node ${n} has ${here.length} daemon pods, want 1`);
      else if (!isAvailable(here[0]!, minReady, state.now)) out.push(`node ${n}: ${describePod(here[0]!)} is not available`);
    } else if (here.length > 0) out.push(`node ${n} does not qualify but has ${here.map(describePod).join(', ')}`);
  }
  for (const [n, here] of pods) out.push(`pods for missing node ${n}: ${here.map(describePod).join(', ')}`);
  const st = ds.status;
  if (st?.desiredNumberScheduled !== eligible || st.numberReady !== eligible || st.currentNumberScheduled !== eligible) {
    out.push(`status desired/current/ready ${st?.desiredNumberScheduled}/${st?.currentNumberScheduled}/${st?.numberReady}, want ${eligible}`);
  }
  return out;
}
