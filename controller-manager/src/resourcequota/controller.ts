// The resourcequota controller keeps each ResourceQuota's status.used (Kubernetes:
// pkg/controller/resourcequota). It recomputes a quota's use whenever the quota changes or
// a pod of its namespace comes, changes or goes, and writes status (hard = spec.hard,
// used) through the status subresource when it differs. Kubernetes also re-lists every 5
// minutes and counts every kind of object; kubesim is purely event-driven and counts only
// the pod resources of shared's quota/pod-usage.ts. The apiserver's ResourceQuota admission
// refuses pods that would go over a quota.
import { computeQuotaUsed, createWorkQueue, finalStateOf, isConflict, isNotFound, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { Pod, ReconcileResult, ResourceQuota } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { deepEqual } from '../canonical.ts';

export const RESOURCEQUOTA_CONTROLLER = 'resourcequota-controller';

type QuotaStatus = NonNullable<ResourceQuota['status']>;

/** the status the quota should have over the pods of its namespace */
export function desiredQuotaStatus(quota: ResourceQuota, pods: readonly Pod[], now: number): QuotaStatus {
  const status: QuotaStatus = {};
  const hard = quota.spec?.hard ?? {};
  if (Object.keys(hard).length) status.hard = { ...hard };
  const used = computeQuotaUsed(quota, pods, now);
  if (Object.keys(used).length) status.used = used;
  return status;
}

export function startResourceQuotaController(ctx: ControllerContext): RunningController {
  const quotas = ctx.informers.forResource(resources.resourcequotas);
  const pods = ctx.informers.forResource(resources.pods);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'resourcequota' });

  const enqueueNamespace = (pod: Pod): void => {
    for (const q of quotas.store.byIndex('namespace', pod.metadata.namespace ?? '')) queue.add(metaNamespaceKey(q));
  };
  quotas.addEventHandler({ onAdd: (q) => queue.add(metaNamespaceKey(q)), onUpdate: (_o, q) => queue.add(metaNamespaceKey(q)) });
  pods.addEventHandler({
    onAdd: enqueueNamespace,
    onUpdate: (_old, pod) => enqueueNamespace(pod),
    onDelete: (obj) => enqueueNamespace(finalStateOf(obj)),
  });

  const reconcile = async (key: string): Promise<void | ReconcileResult> => {
    const quota = quotas.store.get(key);
    if (!quota || quota.metadata.deletionTimestamp) return;
    const status = desiredQuotaStatus(quota, pods.store.byIndex('namespace', quota.metadata.namespace ?? ''), ctx.clock.now());
    if (deepEqual(quota.status ?? {}, status)) return;
    try {
      await ctx.client.update(resources.resourcequotas, { ...quota, status }, { subresource: 'status' });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) return { requeue: true };
      throw err;
    }
  };

  const stop = runController({ name: RESOURCEQUOTA_CONTROLLER, queue, workers: ctx.workers ?? 5, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile });
  return { name: RESOURCEQUOTA_CONTROLLER, stop };
}
