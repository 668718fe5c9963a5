// The disruption controller keeps each PodDisruptionBudget's status (Kubernetes:
// pkg/controller/disruption): expectedPods, currentHealthy (ready pods not being deleted
// nor recently evicted), desiredHealthy, disruptionsAllowed and the DisruptionAllowed
// condition; the eviction subresource spends disruptionsAllowed and notes disruptedPods,
// which this controller forgets once the pod is gone or after 2 minutes. A percentage or
// maxUnavailable is resolved against the pods' controllers' replicas (Deployment through its
// ReplicaSet, ReplicaSet, StatefulSet); kubesim asks no generic scale subresource.
import { createWorkQueue, finalStateOf, formatTime, getControllerOf, labelSelectorAsSelector, metaNamespaceKey, resources, runController, scaledValueFromIntOrPercent, isConflict, isNotFound } from '@kubesim/shared';
import type { Pod, PodDisruptionBudget, ReconcileResult } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import type { WorkloadCondition } from '../conditions.ts';
import { deepEqual } from '../canonical.ts';
import { isPodReady } from '../pods.ts';

export const DISRUPTION_CONTROLLER = 'disruption-controller';
/** how long an eviction counts against the budget before the pod must be gone (DeletionTimeout) */
const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

type PDBStatus = NonNullable<PodDisruptionBudget['status']>;

export function startDisruptionController(ctx: ControllerContext): RunningController {
  const pdbs = ctx.informers.forResource(resources.poddisruptionbudgets);
  const pods = ctx.informers.forResource(resources.pods);
  const replicasets = ctx.informers.forResource(resources.replicasets);
  const deployments = ctx.informers.forResource(resources.deployments);
  const statefulsets = ctx.informers.forResource(resources.statefulsets);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'disruption' });

  const covers = (pdb: PodDisruptionBudget, pod: Pod): boolean =>
    pdb.spec?.selector !== undefined && labelSelectorAsSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {});
  const enqueueFor = (pod: Pod): void => {
    for (const pdb of pdbs.store.byIndex('namespace', pod.metadata.namespace ?? '')) if (covers(pdb, pod)) queue.add(metaNamespaceKey(pdb));
  };
  pdbs.addEventHandler({ onAdd: (p) => queue.add(metaNamespaceKey(p)), onUpdate: (_o, p) => queue.add(metaNamespaceKey(p)) });
  pods.addEventHandler({
    onAdd: enqueueFor,
    onUpdate: (old, pod) => {
      enqueueFor(old);
      enqueueFor(pod);
    },
    onDelete: (obj) => enqueueFor(finalStateOf(obj)),
  });

  /** replicas the pod's controller wants, with the controller's uid; undefined when unknown */
  const scaleOf = (pod: Pod): { uid: string; replicas: number } | undefined => {
    const ref = getControllerOf(pod);
    const ns = pod.metadata.namespace ?? '';
    if (!ref) return undefined;
    if (ref.kind === 'StatefulSet') {
      const sts = statefulsets.store.get(`${ns}/${ref.name}`);
      return sts && sts.metadata.uid === ref.uid ? { uid: ref.uid, replicas: sts.spec?.replicas ?? 1 } : undefined;
    }
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = replicasets.store.get(`${ns}/${ref.name}`);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const owner = getControllerOf(rs);
    if (owner?.kind === 'Deployment') {
      const d = deployments.store.get(`${ns}/${owner.name}`);
      if (d && d.metadata.uid === owner.uid) return { uid: owner.uid, replicas: d.spec?.replicas ?? 1 };
    }
    return { uid: ref.uid, replicas: rs.spec?.replicas ?? 1 };
  };

  const reconcile = async (key: string): Promise<void | ReconcileResult> => {
    const pdb = pdbs.store.get(key);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const now = ctx.clock.now();
    const covered = pods.store.byIndex('namespace', pdb.metadata.namespace ?? '').filter((p) => covers(pdb, p));
    const { status, recheckAfter } = computeStatus(pdb, covered, scaleOf, now);
    if (!deepEqual(pdb.status ?? {}, status)) {
      try {
        await ctx.client.update(resources.poddisruptionbudgets, { ...pdb, status }, { subresource: 'status' });
      } catch (err) {
        if (isNotFound(err)) return;
        if (isConflict(err)) return { requeue: true };
        throw err;
      }
    }
    return recheckAfter !== undefined ? { requeueAfter: recheckAfter } : undefined;
  };

  const stop = runController({ name: DISRUPTION_CONTROLLER, queue, workers: ctx.workers ?? 5, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile });
  return { name: DISRUPTION_CONTROLLER, stop };
}

/** The status a budget should have over the pods it covers (Kubernetes: trySync). */
export function computeStatus(
  pdb: PodDisruptionBudget,
  covered: readonly Pod[],
  scaleOf: (pod: Pod) => { uid: string; replicas: number } | undefined,
  now: number,
): { status: PDBStatus; recheckAfter?: number } {
  const spec = pdb.spec ?? {};
  const generation = pdb.metadata.generation ?? 1;
  // Evictions not yet followed by the pod's deletion still count against the budget.
  const disrupted: Record<string, string> = {};
  let recheckAfter: number | undefined;
  const byName = new Map(covered.map((p) => [p.metadata.name ?? '', p]));
  for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const pod = byName.get(name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (Number.isNaN(expires) || expires <= now) continue;
    disrupted[name] = at;
    recheckAfter = Math.min(recheckAfter ?? Infinity, expires - now);
  }
  const currentHealthy = covered.filter((p) => !p.metadata.deletionTimestamp && !(p.metadata.name! in disrupted) && isPodReady(p)).length;

  let expectedPods = covered.length;
  let desiredHealthy = 0;
  let syncError: string | undefined;
  const needsScale = spec.maxUnavailable !== undefined || typeof spec.minAvailable === 'string';
  if (needsScale) {
    const controllers = new Map<string, number>();
    for (const pod of covered) {
      const scale = scaleOf(pod);
      if (!scale) {
        syncError = `found no controllers for pod "${pod.metadata.name}"`;
        break;
      }
      controllers.set(scale.uid, scale.replicas);
    }
    expectedPods = [...controllers.values()].reduce((a, b) => a + b, 0);
  }
  if (!syncError) {
    try {
      if (spec.maxUnavailable !== undefined) {
        desiredHealthy = Math.max(0, expectedPods - scaledValueFromIntOrPercent(spec.maxUnavailable, expectedPods, true));
      } else if (spec.minAvailable !== undefined) {
        desiredHealthy = scaledValueFromIntOrPercent(spec.minAvailable, expectedPods, true);
      }
    } catch (err) {
      syncError = (err as Error).message;
    }
  }
  const disruptionsAllowed = syncError ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  const condition: WorkloadCondition & { observedGeneration: number } = syncError
    ? { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: syncError, observedGeneration: generation, lastTransitionTime: formatTime(now) }
    : disruptionsAllowed > 0
      ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: generation, lastTransitionTime: formatTime(now) }
      : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: generation, lastTransitionTime: formatTime(now) };
  const status: PDBStatus = {
    observedGeneration: generation,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed,
    currentHealthy: syncError ? 0 : currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: withCondition(pdb.status?.conditions, condition),
  };
  return recheckAfter !== undefined ? { status, recheckAfter } : { status };
}

/** the conditions with `cond` in place of its type, keeping lastTransitionTime while the status holds */
function withCondition(old: PDBStatus['conditions'], cond: WorkloadCondition & { observedGeneration: number }): NonNullable<PDBStatus['conditions']> {
  const list = [...(old ?? [])] as Array<WorkloadCondition & { observedGeneration?: number }>;
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next = prev?.status === cond.status && prev.lastTransitionTime ? { ...cond, lastTransitionTime: prev.lastTransitionTime } : cond;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list as NonNullable<PDBStatus['conditions']>;
}
