// Rollout bounds, counted as Kubernetes counts them: a Deployment's pods are the active pods
// of the ReplicaSets it controls; maxSurge rounds up, maxUnavailable down (both 0 ⇒ 1). At
// every step: total ≤ replicas + maxSurge, and once available at its current size and
// strategy, ready ≥ replicas − maxUnavailable. Ready, not available: the ReplicaSet
// controller ranks pods to delete by readiness and co-location, not minReadySeconds, so
// Kubernetes too may keep a merely ready pod over an available one (regressions.test.ts).
// Recreate: no new pod while an old one has not finished. Crashes and dead nodes are
// outside the promise. E.g. replicas 4, 25%/25%: at most 5 pods, at least 3 ready.

import type { Deployment, Pod, ReplicaSet } from '@kubesim/shared';
import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { controllerUid, describePod, isActive, isAvailable, isReady, isTerminal } from './pods.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** an IntOrString (`2`, `25%`) against a total: percentages round up or down */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace(/%$/, ''));
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface Fenceposts {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
}

export function fenceposts(d: Deployment): Fenceposts {
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { replicas, maxSurge, maxUnavailable };
}

export interface DeploymentPods {
  replicaSets: ReplicaSet[];
  /** the ReplicaSet with the highest revision, if any */
  newest: ReplicaSet | undefined;
  /** every pod (any state) controlled by one of its ReplicaSets */
  pods: Pod[];
  active: Pod[];
  available: Pod[];
}

export function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;
}

/** a Deployment's ReplicaSets and pods, by controller references */
export function deploymentPods(state: ClusterState, d: Deployment): DeploymentPods {
  const rsByUid = new Map<string, ReplicaSet>();
  for (const rs of state.replicaSets) if (rs.metadata.namespace === d.metadata.namespace && controllerUid(rs) === d.metadata.uid) rsByUid.set(rs.metadata.uid ?? '', rs);
  const replicaSets = [...rsByUid.values()];
  const newest = replicaSets.reduce<ReplicaSet | undefined>((a, b) => (a && revisionOf(a) >= revisionOf(b) ? a : b), undefined);
  const pods = state.pods.filter((p) => p.metadata.namespace === d.metadata.namespace && rsByUid.has(controllerUid(p) ?? ''));
  const active = pods.filter(isActive);
  const minReady = d.spec.minReadySeconds ?? 0;
  return { replicaSets, newest, pods, active, available: active.filter((p) => isAvailable(p, minReady, state.now)) };
}

const describe = (pods: readonly Pod[]): string => pods.map(describePod).join(', ');

export function rolloutBounds(): Invariant {
  // per Deployment uid: the (replicas, strategy) it was last seen available at
  const established = new Map<string, string>();
  return {
    name: 'rollout-bounds',
    timeDependent: true,
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const d of state.deployments) {
        const id = `${d.metadata.namespace}/${d.metadata.name}`;
        const uid = d.metadata.uid ?? id;
        const dp = deploymentPods(state, d);
        if (d.spec.strategy?.type === 'Recreate') {
          if (!dp.newest) continue;
          const newPods = dp.pods.filter((p) => controllerUid(p) === dp.newest!.metadata.uid);
          const oldLive = dp.pods.filter((p) => controllerUid(p) !== dp.newest!.metadata.uid && !isTerminal(p));
          if (newPods.length > 0 && oldLive.length > 0) out.push(`deployment ${id} (Recreate): new pods ${describe(newPods)} exist while old pods have not finished: ${describe(oldLive)}`);
          continue;
        }
        const f = fenceposts(d);
        const shape = JSON.stringify([f.replicas, d.spec.strategy ?? null, d.spec.minReadySeconds ?? 0]);
        const minAvailable = f.replicas - f.maxUnavailable;
        const head = `deployment ${id} (replicas ${f.replicas}, maxSurge ${f.maxSurge}, maxUnavailable ${f.maxUnavailable})`;
        if (dp.active.length > f.replicas + f.maxSurge) {
          out.push(`${head}: ${dp.active.length} pods > replicas + maxSurge = ${f.replicas + f.maxSurge}: ${describe(dp.active)}`);
        }
        if (established.get(uid) === shape) {
          const ready = dp.active.filter(isReady).length;
          if (ready < minAvailable) out.push(`${head}: ${ready} ready < replicas − maxUnavailable = ${minAvailable}: ${describe(dp.active)}`);
        } else if (dp.available.length >= minAvailable) {
          established.set(uid, shape);
        } else {
          established.delete(uid);
        }
      }
      return out;
    },
  };
}

/** what still keeps a rollout from being complete (empty = complete): every pod on the
 *  newest template and available, the counts in status, Available=True and
 *  Progressing=True/NewReplicaSetAvailable, observedGeneration caught up */
export function rolloutIncomplete(state: ClusterState, namespace: string, name: string): string[] {
  const d = state.deployments.find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
  if (!d) return [`deployment ${namespace}/${name} not found`];
  const replicas = d.spec.replicas ?? 1;
  const dp = deploymentPods(state, d);
  const out: string[] = [];
  const st = d.status ?? {};
  if ((st.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) out.push(`observedGeneration ${st.observedGeneration} < generation ${d.metadata.generation}`);
  const onNewest = dp.active.filter((p) => dp.newest && controllerUid(p) === dp.newest.metadata.uid);
  if (dp.active.length !== replicas) out.push(`${dp.active.length} active pods, want ${replicas}`);
  if (onNewest.length !== dp.active.length) out.push(`${dp.active.length - onNewest.length} pods not on the newest ReplicaSet ${dp.newest?.metadata.name}`);
  if (dp.available.length !== replicas) out.push(`${dp.available.length} available pods, want ${replicas}`);
  if (st.replicas !== replicas || st.updatedReplicas !== replicas || st.availableReplicas !== replicas) {
    out.push(`status replicas/updated/available ${st.replicas}/${st.updatedReplicas}/${st.availableReplicas}, want ${replicas}`);
  }
  const cond = (t: string) => st.conditions?.find((c) => c.type === t);
  if (cond('Available')?.status !== 'True') out.push(`Available is ${cond('Available')?.status ?? 'absent'}`);
  const prog = cond('Progressing');
  if (prog?.status !== 'True' || prog.reason !== 'NewReplicaSetAvailable') out.push(`Progressing is ${prog?.status ?? 'absent'}/${prog?.reason ?? ''}`);
  return out;
}
